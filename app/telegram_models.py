"""aiogram's Telegram models built when first used, not all at import.

At the end of ``aiogram/types/__init__.py`` aiogram calls ``model_rebuild`` on each of its ~900
types, although they are declared ``defer_build=True``. pydantic then builds for each one a
validator and a serializer that inline every type it reaches (a Message reaches most of them):
``import aiogram`` alone holds 167 MB and takes 3 s on the CI machine (pydantic 2.13), over the
150 MB the whole bot may hold (issue 8). The bot validates a handful of them: the Update, the
answers of the dozen methods it calls.

``install()`` puts an import hook in front of ``aiogram.types`` and ``aiogram.methods``. While
``aiogram.types`` runs, its ``model_rebuild`` calls keep the namespace aiogram passes (the names
of all types, which the types' annotations refer to) as each model's parent namespace instead of
building; after ``aiogram.methods`` runs, its still-unbuilt methods and the generic ``Response``
get the same namespace. pydantic builds a model when it is first validated and resolves its names
there. Measured: 61 MB and 1 s for the import; a bot that has handled messages, button presses,
keyboards, photos and documents holds 68 MB of it.

It is a workaround around aiogram's import, so it stays harmless: it does nothing when aiogram is
already imported, or when pydantic's ``model_rebuild`` no longer takes the private
``_types_namespace`` it relies on (then aiogram builds everything as before: more memory, the same
behaviour). ``tests/test_telegram_models.py`` checks that it is in force and that the models the
bot uses validate.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import inspect
import sys
from collections.abc import Callable, Mapping, Sequence
from types import ModuleType
from typing import Any

_TYPES = "aiogram.types"
_METHODS = "aiogram.methods"
_namespace: dict[str, dict[str, Any]] = {}  # "types": what aiogram passed to model_rebuild


def install() -> None:
    """Defer aiogram's models; call before anything imports aiogram (``app`` does, first)."""
    if _TYPES in sys.modules or any(isinstance(f, _DeferringFinder) for f in sys.meta_path):
        return
    try:
        from pydantic import BaseModel
    except ImportError:  # pragma: no cover - pydantic comes with aiogram
        return
    if "_types_namespace" not in inspect.signature(BaseModel.model_rebuild).parameters:
        return
    sys.meta_path.insert(0, _DeferringFinder())


def deferred() -> bool:
    """Whether aiogram's types were imported without being built."""
    return "types" in _namespace


class _DeferringFinder(importlib.abc.MetaPathFinder):
    def __init__(self) -> None:
        self._found: set[str] = set()

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in (_TYPES, _METHODS):
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or not isinstance(spec.loader, importlib.abc.Loader):
            return None
        after = _defer_types if fullname == _TYPES else _share_namespace
        spec.loader = _WrappedLoader(spec.loader, after)
        self._found.add(fullname)
        if self._found == {_TYPES, _METHODS}:
            sys.meta_path.remove(self)  # nothing more to do
        return spec


class _WrappedLoader(importlib.abc.Loader):
    def __init__(self, loader: importlib.abc.Loader, around: Callable[[Callable[[], None]], None]):
        self._loader = loader
        self._around = around

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self._around(lambda: self._loader.exec_module(module))

    def __getattr__(self, name: str) -> Any:  # get_code, get_resource_reader, ...
        return getattr(self._loader, name)


def _defer_types(run: Callable[[], None]) -> None:
    from pydantic import BaseModel

    original = BaseModel.__dict__["model_rebuild"]

    def keep_namespace(
        cls: type[BaseModel],
        *,
        force: bool = False,
        raise_errors: bool = True,
        _parent_namespace_depth: int = 2,
        _types_namespace: Mapping[str, Any] | None = None,
    ) -> bool | None:
        if _types_namespace is None or force or cls.__pydantic_complete__:
            return original.__func__(  # type: ignore[no-any-return]
                cls,
                force=force,
                raise_errors=raise_errors,
                _parent_namespace_depth=_parent_namespace_depth + 1,
                _types_namespace=_types_namespace,
            )
        # one dict shared by all: a copy each would be 900 × 900 entries
        shared = _namespace.setdefault("types", dict(_types_namespace))
        cls.__pydantic_parent_namespace__ = shared
        return None

    BaseModel.model_rebuild = classmethod(keep_namespace)  # type: ignore[method-assign,assignment]
    try:
        run()
    finally:
        BaseModel.model_rebuild = original  # type: ignore[method-assign]


def _share_namespace(run: Callable[[], None]) -> None:
    run()
    names = _namespace.get("types")
    if names is None:
        return
    from aiogram.methods.base import Response
    from pydantic import BaseModel

    methods = sys.modules[_METHODS]
    unbuilt = [getattr(methods, name) for name in methods.__all__]
    # Response[Message] and the like are made when a method is called; they inherit it
    for model in [*unbuilt, Response]:
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            continue
        if not model.__pydantic_complete__ or model is Response:
            model.__pydantic_parent_namespace__ = names
