"""The Python engine: per-file facts (``facts``, read by ``extract`` from CPython's ``ast``; ``extract_cst`` is
the libcst reference), the whole-program index (``program``), value resolution (``resolve``), the
sink catalogue's call shapes (``sinks``) and the search for outbound calls (``flows``)."""
