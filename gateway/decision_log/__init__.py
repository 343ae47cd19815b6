"""The decision log: every access decision, append-only and hash-chained, in the gateway's own database."""
