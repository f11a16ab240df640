"""`python -m bench.cluster up|throughput|faults|soak`: see bench/cluster/README.md."""

from __future__ import annotations

import argparse
import signal
import time

from bench.cluster.cluster import Cluster


def up(args: argparse.Namespace) -> None:
    with Cluster(web_nodes=args.nodes, task_workers=args.workers) as cluster:
        print(f"load balancer: {cluster.lb_url}/")
        for i, url in enumerate(cluster.node_urls):
            print(f"web node {i}: {url}/")
        print(
            f"task workers: {args.workers}; database {cluster.database}; logs in {cluster.workdir}"
        )
        print("demo users' password: govhub-demo-2026. Ctrl-C stops everything.")
        signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt))
        try:
            while all(p.poll() is None for p in cluster.processes.values()):
                time.sleep(1)
            print("a process of the cluster exited: stopping.\n" + cluster.logs())
        except KeyboardInterrupt:
            pass


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.cluster", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    start = commands.add_parser("up", help="start a cluster and keep it running until Ctrl-C")
    start.add_argument("--nodes", type=int, default=2, help="web nodes (default 2)")
    start.add_argument("--workers", type=int, default=2, help="task workers (default 2)")
    start.set_defaults(run=up)
    from bench.cluster.throughput import add_arguments, throughput

    measure = commands.add_parser("throughput", help="cached pages: 1 node vs 2 nodes (wrk)")
    add_arguments(measure)
    measure.set_defaults(run=throughput)
    from bench.cluster.faults import add_arguments as fault_arguments
    from bench.cluster.faults import faults

    survive = commands.add_parser("faults", help="kill a node and a worker, restart PostgreSQL")
    fault_arguments(survive)
    survive.set_defaults(run=faults)
    from bench.cluster.soak import add_arguments as soak_arguments
    from bench.cluster.soak import soak

    steady = commands.add_parser("soak", help="steady load for a long time: errors, memory, p99")
    soak_arguments(steady)
    steady.set_defaults(run=soak)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
