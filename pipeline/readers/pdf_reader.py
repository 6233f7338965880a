"""Old name of the PDF reader, kept so that `from pipeline.readers.pdf_reader import
read_pdf` goes on working while callers move to `pipeline.readers.pdf`."""

from pipeline.readers.pdf import read_pdf

__all__ = ["read_pdf"]
