resource "google_storage_bucket" "attachments" {
  name     = "helpdesk-attachments"
  location = "US"
}

resource "google_storage_bucket" "exports" {
  name     = "helpdesk-exports"
  location = "EUROPE-WEST4"
}
