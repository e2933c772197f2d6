"""The only layer that touches zip bytes and raw WordprocessingML.

Following python-docx's oxml/proxy split, the rest of the pipeline hands this layer plain values
(strings, view models) and gets bytes or XML fragments back; it never sees lxml elements.
"""
