"""flowscan's rule catalog: YAML data only. Installed as the package ``flowscan.rules``."""
