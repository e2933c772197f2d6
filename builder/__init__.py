"""CMC Dossier Builder: eCTD Module 3 CMC sections as Word documents, built from YAML."""

__version__ = "0.1.0"
