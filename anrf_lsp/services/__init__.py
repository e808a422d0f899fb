"""HTTP services for a remote GPU host: the FastAPI app and its metadata database."""
