"""Structured logging (structlog) configured once per process from settings.

Libraries log through the standard library (aiokafka, faust/mode, uvicorn): their records go
through structlog's ``ProcessorFormatter`` on the root handler, so with ``json=True`` every line
a service prints is one JSON object, whoever wrote it. faust's worker and uvicorn would install
their own handlers and formats: ``stdlib_config`` is handed to faust's worker, and uvicorn is
started with ``log_config=None``, so both keep this one.
"""

from __future__ import annotations

import logging
import logging.config
import sys
from typing import Any

import structlog


class _CurrentStderr:
    """Writes to whatever ``sys.stderr`` is now, not what it was at configure time.

    Test runners and supervisors swap ``sys.stderr``; a logger that kept the old object would
    write to a closed file and turn a log line into a crash.
    """

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def _stderr_handler() -> logging.Handler:
    return logging.StreamHandler(_CurrentStderr())


def _renderer(json: bool) -> structlog.types.Processor:
    if json:
        return structlog.processors.JSONRenderer()
    return structlog.dev.ConsoleRenderer(colors=False)


def _shared_processors(json: bool) -> list[structlog.types.Processor]:
    processors: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso"),
    ]
    if json:  # a traceback becomes one string field, not lines of text
        processors.append(structlog.processors.format_exc_info)
    return processors


def stdlib_config(level: str = "INFO", json: bool = False) -> dict[str, Any]:
    """``logging.config.dictConfig`` input: the root logger writes through structlog's renderer.

    A fresh dict each call (faust's worker pops keys from the one it is given).
    """
    formatter = {
        "()": structlog.stdlib.ProcessorFormatter,
        "foreign_pre_chain": [
            structlog.stdlib.add_logger_name,
            *_shared_processors(json),
        ],
        "processors": [
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            _renderer(json),
        ],
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"structlog": formatter},
        "handlers": {"stderr": {"()": _stderr_handler, "formatter": "structlog"}},
        "root": {"level": level.upper(), "handlers": ["stderr"]},
    }


def configure_logging(level: str = "INFO", json: bool = False) -> None:
    logging.config.dictConfig(stdlib_config(level, json))
    logging.captureWarnings(True)  # Python warnings (a library's deprecation) are log lines too
    structlog.configure(
        processors=[*_shared_processors(json), _renderer(json)],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(file=_CurrentStderr()),  # type: ignore[arg-type]
        cache_logger_on_first_use=True,
    )


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    return structlog.get_logger(name)  # type: ignore[no-any-return]
