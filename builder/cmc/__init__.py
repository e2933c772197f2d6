"""CMC data as one source of truth: acceptance criteria understood, results checked, findings reported.

Nothing here changes what is printed (the writer's text is the record); it reads that text to check
it against every other fact it relates to.
"""
