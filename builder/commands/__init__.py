"""The tasks other than build and check, one module each: explain, trace, verify, scaffold
(new-product), compare (compare-regions, with compare_docs writing it), review, bench and textconv.

They sit on top of the pipeline (they may import it; the pipeline never imports them), and
`runner` turns what any of them raises into the documented message and exit code.
"""
