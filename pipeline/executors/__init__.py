"""Where the per-document work runs: `local` (a process pool on this machine, pipeline.batch)
or `dask` (a dask.distributed cluster, pipeline.executors.dask_run). Both map the same
function, `pipeline.process.process_file`, over the documents and write the same records."""

EXECUTORS = ("local", "dask")
