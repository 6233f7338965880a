"""What the read verbs ask the database: one module per question, each taking an open
(read-only) connection and returning plain rows, so the CLI only formats them.

`quality` is `gongkai check`'s, `compare` and `missing` the verbs of the same names.
"""
