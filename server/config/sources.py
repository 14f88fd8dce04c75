"""Reading the configuration sources in Qdrant's order and turning every failure into one line.

Files are YAML (or JSON) mappings; `QDRANT__*` variables are parsed by pydantic-settings (`__`
nesting, case-insensitive names, JSON for whole sections); this module merges them, remembers which source gave each key (for error lines and the
ignored-keys log) and reports what Qdrant only warns about (a missing config file)."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_settings import BaseSettings, EnvSettingsSource, SettingsError

ENV_PREFIX = "QDRANT__"
_EXTENSIONS = (".yaml", ".yml", ".json")
_SECRET_PARTS = ("key", "secret", "password", "token")
M = TypeVar("M", bound=BaseModel)


class ConfigError(Exception):
    """A configuration that cannot be used; `str()` is the one line to print before exiting."""


@dataclass(slots=True)
class ConfigSources:
    merged: dict[str, Any] = field(default_factory=dict)
    origin: dict[tuple[str, ...], str] = field(default_factory=dict)
    """Leaf key path → the source that set it last (a file name or an env variable)."""
    files: list[str] = field(default_factory=list)
    """Config files that were read, in order."""
    warnings: list[str] = field(default_factory=list)
    """Load problems Qdrant reports as log lines rather than refusing to start."""

    def given_keys(self) -> list[str]:
        return sorted(".".join(path) for path in self.origin)

    def validate(self, model: type[M]) -> M:
        try:
            return model(**self.merged)
        except ValidationError as exc:
            raise ConfigError("invalid configuration: " + "; ".join(
                self._describe(err) for err in exc.errors(include_url=False))) from None

    def _describe(self, err: Mapping[str, Any]) -> str:
        path = tuple(str(p) for p in err["loc"])
        key = ".".join(path)
        source = self._source_of(path)
        where = f" (from {source})" if source else ""
        if err["type"] == "extra_forbidden":
            return f"unknown key '{key}'{where}"
        shown = ""
        if not any(part in key.lower() for part in _SECRET_PARTS) and "input" in err:
            shown = f", got {err['input']!r}"
        return f"'{key}': {err['msg']}{shown}{where}"

    def _source_of(self, path: tuple[str, ...]) -> str | None:
        for depth in range(len(path), 0, -1):
            found = self.origin.get(path[:depth])
            if found:
                return found
        # a section given as a whole; report the first source that set anything below it
        return next((src for p, src in self.origin.items() if p[:len(path)] == path), None)


class _EnvSource(EnvSettingsSource):
    """pydantic-settings' env parsing over a given mapping (tests and the subprocess pass their own)."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        self._environ = environ
        super().__init__(settings_cls, case_sensitive=False, env_prefix=ENV_PREFIX, env_nested_delimiter="__")

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return {k.lower(): v for k, v in self._environ.items()}


def collect_sources(settings_cls: type[BaseSettings], config_path: str | None,
                    env: Mapping[str, str] | None, cwd: Path | None) -> ConfigSources:
    environ: Mapping[str, str] = os.environ if env is None else env
    base = cwd or Path.cwd()
    out = ConfigSources()
    run_mode = environ.get("RUN_MODE", "development")
    for stem in ("config/config", f"config/{run_mode}", "config/local"):
        found = _find(base / stem)
        if found is None:
            if stem != "config/local":  # Qdrant warns about the two it expects, not about local
                out.warnings.append(f"Config file not found: {stem}")
            continue
        _merge(out, _read_file(found), str(found))
    if config_path:
        path = Path(config_path)
        if not path.is_absolute():
            path = base / path
        found = path if path.is_file() else _find(path)
        if found is None:
            out.warnings.append(f"Config file via --config-path is not found: {config_path}")
        else:
            _merge(out, _read_file(found), str(found))
    _check_env_sections(settings_cls, environ)
    try:
        from_env = _EnvSource(settings_cls, environ)()
    except SettingsError as exc:
        text = _one_line(str(exc)).replace('source "_EnvSource"', f"the {ENV_PREFIX}* environment variables")
        raise ConfigError(f"invalid configuration: {text}") from None
    _merge(out, from_env, None)
    return out


def _find(stem: Path) -> Path | None:
    if stem.suffix in _EXTENSIONS and stem.is_file():
        return stem
    return next((stem.with_name(stem.name + ext) for ext in _EXTENSIONS
                 if stem.with_name(stem.name + ext).is_file()), None)


def _read_file(path: Path) -> dict[str, Any]:
    import yaml  # ~0.1 s of start-up: only when a configuration file is there to read

    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"invalid configuration: {path}: not valid YAML{at}: {_one_line(problem)}") from None
    except json.JSONDecodeError as exc:
        raise ConfigError(f"invalid configuration: {path}: not valid JSON at line {exc.lineno}, "
                          f"column {exc.colno}: {exc.msg}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"invalid configuration: {path}: {_one_line(str(exc))}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"invalid configuration: {path}: the top level must be a mapping of keys")
    return data


def _check_env_sections(settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
    """pydantic-settings only looks for variables of known top-level keys: refuse the others."""
    known = set(settings_cls.model_fields)
    for name in environ:
        if name.upper().startswith(ENV_PREFIX):
            top = name[len(ENV_PREFIX):].split("__", 1)[0].lower()
            if top not in known:
                raise ConfigError(f"invalid configuration: unknown key '{top}' (from {name})")


def _merge(out: ConfigSources, data: Mapping[str, Any], source: str | None) -> None:
    if source is not None:
        out.files.append(source)
    _merge_into(out.merged, data, (), out.origin, source)


def _merge_into(target: dict[str, Any], data: Mapping[str, Any], path: tuple[str, ...],
                origin: dict[tuple[str, ...], str], source: str | None) -> None:
    for key, value in data.items():
        here = (*path, str(key))
        if isinstance(value, Mapping) and value and isinstance(target.get(key), dict | None):
            child = target.setdefault(key, {})
            if isinstance(child, dict):
                _merge_into(child, value, here, origin, source)
                continue
        target[key] = value
        for stale in [p for p in origin if p[:len(here)] == here]:
            del origin[stale]
        origin[here] = source or ENV_PREFIX + "__".join(here).upper()


def _one_line(text: str) -> str:
    return " ".join(text.split())
