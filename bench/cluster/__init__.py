"""`bench/cluster`: GovHub scale-out on loopback (web nodes, task workers, nginx, PostgreSQL, Redis)."""
