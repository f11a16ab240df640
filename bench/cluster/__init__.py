"""`bench/cluster`: GovHub scaled out on loopback (nodes, workers, nginx, PostgreSQL, Redis)."""
