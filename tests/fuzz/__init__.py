"""A layout fuzzer that shares nothing with `pipeline.synth` (issue 9).

The truth is what a hypothesis strategy drew (`strategies.py`: agency, year, template,
every cell and a `Layout`); small renderers of our own print it as .docx (python-docx
directly), HTML in several portal styles and encodings, plain text, Markdown and PDF
(LibreOffice from our .docx); `check.py` compares what gongkai reads back with the truth.
"""
