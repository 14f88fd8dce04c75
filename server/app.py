"""Composition root: settings → engine → REST app + gRPC server, all in one event loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Iterator

import uvicorn

from engine.quotas import QuotaConfig, quota_store
from engine.snapshots import DownloadPolicy
from engine.toc import TableOfContents
from engine.workers import Flusher, Optimizer
from server.auth.policy import AuthPolicy
from server.auth.stateful import value_exists_check
from server.connections import default_max_connections, guarded_protocol
from server.grpc.access import AccessInterceptor
from server.grpc.server import build_grpc_server
from server.listen import bind_exclusive
from server.rest.app import build_app
from server.settings import Settings
from server.startup import StartupSnapshots, recover_collections, restore_storage
from server.telemetry.issues import IssueBoard
from server.telemetry.observed_service import ObservedService
from server.telemetry.requests import RequestStats
from server.tls import load_tls

log = logging.getLogger("quiver")


class _Server(uvicorn.Server):
    """uvicorn re-raises a captured SIGTERM after serving, which would kill the process before the
    engine is flushed; we handle the signals ourselves instead."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _request_exit(server: uvicorn.Server) -> None:
    log.info("signal received, stopping")
    server.should_exit = True


async def serve(settings: Settings, snapshots: StartupSnapshots | None = None) -> None:
    snapshots = snapshots or StartupSnapshots()
    storage = settings.storage
    service_config, tls_config = settings.service, settings.tls
    # unusable TLS files stop the start before anything is loaded or bound
    tls = load_tls(service_config.enable_tls, tls_config.cert if tls_config else None,
                   tls_config.key if tls_config else None, tls_config.ca_cert if tls_config else None,
                   service_config.verify_https_client_certificate)
    # both ports are claimed before storage loads: a busy one is a one-line exit, nothing to undo
    rest_socket = bind_exclusive(service_config.host, service_config.http_port, "REST")
    if service_config.grpc_port is not None:
        bind_exclusive(service_config.host, service_config.grpc_port, "gRPC").close()
    issues = IssueBoard()
    service: ObservedService
    cluster = None
    if settings.cluster.enabled:
        # cluster mode: collections come from the cluster's metadata; this toc holds the local replicas
        from server.cluster_service import start_cluster_service
        cluster = service = await start_cluster_service(settings, issues)
        toc = service.toc
    else:
        restore_storage(snapshots, storage.storage_path)
        toc = TableOfContents(storage.storage_path, fsync=storage.wal_fsync)
        toc.load()
        recover_collections(snapshots, toc)
        service = ObservedService(toc, storage.performance.max_search_threads, issues=issues,
                                  slow_query_s=settings.service.slow_query_secs)
    if storage.quotas is not None:  # seeds the quota store on the first start (no quotas.json yet)
        quota_store(toc.root, QuotaConfig(**storage.quotas.model_dump()))
    optimizer = Optimizer(toc)
    optimizer.start()
    flusher = Flusher(toc)
    flusher.start()
    issues.still_open = service.still_unindexed
    service.downloads = DownloadPolicy(enabled=service_config.enable_snapshot_url_recovery,
                                       max_bytes=service_config.snapshot_url_max_size_mb << 20,
                                       timeout_s=service_config.snapshot_url_timeout_sec,
                                       allowed_hosts=tuple(service_config.snapshot_url_allowed_hosts))
    stats = RequestStats()
    policy = AuthPolicy.create(settings.service.api_key, settings.service.read_only_api_key,
                               bool(settings.service.jwt_rbac), value_exists=value_exists_check(service),
                               alt_api_key=settings.service.alt_api_key)
    app = build_app(service, settings, stats, issues, policy)
    host = settings.service.host
    config = uvicorn.Config(app, host=host, port=settings.service.http_port, log_config=None,
                            access_log=False, lifespan="off", limit_concurrency=None,
                            timeout_keep_alive=service_config.http_keep_alive_timeout_sec,
                            http=guarded_protocol(service_config.http_header_timeout_sec,
                                                  service_config.max_connections or default_max_connections()),
                            **(tls.uvicorn_options() if tls else {}))
    server = _Server(config)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, _request_exit, server)
    grpc_server = None
    if settings.service.grpc_port is not None:
        # grpc.aio shares this loop with uvicorn; both call the same Service
        # no size cap on gRPC messages (Qdrant's max_request_size_mb limits REST only)
        grpc_server = build_grpc_server(service, host, settings.service.grpc_port,
                                        snapshots_path=storage.snapshots_path,
                                        interceptors=[AccessInterceptor(stats.grpc)], policy=policy,
                                        credentials=tls.grpc_credentials() if tls else None)
        await grpc_server.start()
    log.info("listening", extra={"tls": tls is not None, "http": f"{host}:{settings.service.http_port}",
                                 "grpc": f"{host}:{settings.service.grpc_port}"})
    try:
        await server.serve(sockets=[rest_socket])
    finally:
        log.info("shutting down")
        if grpc_server is not None:
            await grpc_server.stop(grace=5)  # let in-flight RPCs finish before the engine closes
    flusher.stop()
    optimizer.stop()
    if cluster is not None:
        await cluster.stop()  # replicas stop applying before the pool goes away
    service.shutdown()
    toc.close()  # flush everything and close the WALs
    log.info("stopped")
