"""PDF renditions of the built leaves: LibreOffice converts (convert.py), pikepdf verifies and
normalises each file (inspect.py), and renditions.py adds them to a region's output through the
same staging and publishing as a build."""
