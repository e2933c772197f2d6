"""eCTD v3.2.2 sequences of Module 3: the backbone (backbone.py), lifecycle operations from earlier
sequences (lifecycle.py), and the sequence folder itself (commands/sequence.py)."""
