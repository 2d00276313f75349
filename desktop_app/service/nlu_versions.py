"""The intent model versions the store knows: which one is deployed, how each scored, and rollback.

``desktop-app nlu retrain`` records every candidate it scores here (``nlu_model_versions``): deployed,
or refused with the reason, beside the model it was compared with. Exactly one version is deployed
at a time; deploying another retires it, and ``rollback`` puts an older one back. The version
``"base"`` is the model trained from the packaged data, recorded (with its dev-set scores) the first
time a retrain compares against it. The files themselves live in the cache (``nlu.model_versions``);
this table holds their sha256, which is checked before a file is used, and what the merchant's
dashboard shows (``deployed``, ``history``).

The same object carries the review queue (``review``), since what it accepts is what the next
version learns from.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desktop_app.core.clock import Clock
from desktop_app.core.errors import InvalidInput, NotFound
from desktop_app.service.nlu_review import NluReviewQueue
from desktop_app.store.db import Database
from desktop_app.store.schema import NluModelVersion

log = logging.getLogger(__name__)

BASE = "base"
DEPLOYED, REFUSED, RETIRED = "deployed", "refused", "retired"


@dataclass(frozen=True)
class NluVersionInfo:
    """One intent model version as the dashboard and ``nlu versions`` show it."""

    version: str
    #: Macro-F1 on both held-out dev sets together.
    macro_f1: float
    #: The macro-F1 of the model in use when this one was scored (None for the first one recorded).
    baseline_f1: float | None
    created_at: datetime
    reviewed_examples: int
    base_examples: int
    status: str = DEPLOYED
    note: str = ""
    #: Macro-F1 per dev-set language, e.g. (("en", 0.95), ("zh", 0.96)).
    language_f1: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class DeployedModel:
    """What the running app needs to load the deployed model: its name and the digest to check."""

    version: str
    sha256: str


def _languages(scores: str) -> tuple[tuple[str, float], ...]:
    try:
        parsed = json.loads(scores)
        return tuple((k, float(v["macro_f1"])) for k, v in sorted(parsed.items()) if k != "overall")
    except (ValueError, TypeError, KeyError, AttributeError):
        return ()


def _info(row: NluModelVersion) -> NluVersionInfo:
    return NluVersionInfo(row.version, row.macro_f1, row.baseline_f1, row.created_at, row.reviewed_examples,
                          row.base_examples, row.status, row.note, _languages(row.scores))


class NluVersions:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self.review = NluReviewQueue(db, clock)

    def deployed(self) -> NluVersionInfo | None:
        """The version in use (None: nothing recorded yet, the base model answers)."""
        with self._db.session() as s:
            row = self._deployed(s)
            return _info(row) if row is not None else None

    def deployed_model(self) -> DeployedModel | None:
        with self._db.session() as s:
            row = self._deployed(s)
            return DeployedModel(row.version, row.sha256) if row is not None else None

    def history(self) -> tuple[NluVersionInfo, ...]:
        """Every version recorded, newest first (refused ones too, with their reason in ``note``)."""
        with self._db.session() as s:
            return tuple(_info(r) for r in s.scalars(select(NluModelVersion).order_by(NluModelVersion.id.desc())))

    def has_base(self) -> bool:
        with self._db.session() as s:
            return s.scalar(select(NluModelVersion.id).where(NluModelVersion.version == BASE)) is not None

    def next_version(self) -> str:
        """``v1``, ``v2``…: one more than the versions recorded after the base."""
        with self._db.session() as s:
            names = s.scalars(select(NluModelVersion.version)).all()
        numbers = [int(n[1:]) for n in names if n.startswith("v") and n[1:].isdigit()]
        return f"v{max(numbers, default=0) + 1}"

    def record(self, version: str, *, macro_f1: float, baseline_f1: float | None, scores: str, status: str,
               sha256: str, base_examples: int, reviewed_examples: int, note: str = "") -> NluVersionInfo:
        """Record a scored model; ``status="deployed"`` also retires the one in use (one transaction)."""
        if status not in (DEPLOYED, REFUSED):
            raise InvalidInput(f"Unknown status {status!r}.", message_zh=f"未知的状态 {status!r}。")
        try:
            with self._db.session() as s:
                if status == DEPLOYED:
                    self._retire_deployed(s)
                row = NluModelVersion(version=version, created_at=self._clock.now(), base_examples=base_examples,
                                      reviewed_examples=reviewed_examples, macro_f1=round(macro_f1, 4),
                                      baseline_f1=None if baseline_f1 is None else round(baseline_f1, 4),
                                      scores=scores, status=status, sha256=sha256, note=note[:200])
                s.add(row)
                s.flush()
                log.info("intent model %s recorded as %s (macro-F1 %.4f)", version, status, macro_f1)
                return _info(row)
        except IntegrityError:
            raise InvalidInput(f"Model version {version} already exists (another retrain at the same time?).",
                               message_zh=f"模型版本 {version} 已存在（是否同时运行了另一次重训？）。") from None

    def rollback_target(self, version: str | None = None) -> DeployedModel:
        """What ``rollback(version)`` would deploy: ``version``, or (None) the newest retired version
        older than the one in use. Refused and deployed versions are not targets. Nothing changes."""
        with self._db.session() as s:
            return self._target(s, version)

    def rollback(self, version: str) -> NluVersionInfo:
        """Deploy ``version`` again, retiring the one in use. The caller checks the version's file
        against its digest first (``rollback_target`` gives both)."""
        with self._db.session() as s:
            target = self._row(s, self._target(s, version).version)
            self._retire_deployed(s)
            target.status = DEPLOYED
            log.info("intent model rolled back to %s", target.version)
            return _info(target)

    def _target(self, s: Session, version: str | None) -> DeployedModel:
        if version is None:
            current = self._deployed(s)
            query = select(NluModelVersion).where(NluModelVersion.status == RETIRED)
            if current is not None:
                query = query.where(NluModelVersion.id < current.id)
            target = s.scalar(query.order_by(NluModelVersion.id.desc()).limit(1))
            if target is None:
                raise NotFound("There is no earlier version to roll back to.", message_zh="没有可回滚的更早版本。")
        else:
            target = self._row(s, version)
        if target.status == REFUSED:
            raise InvalidInput(f"Version {target.version} was refused; it cannot be deployed.",
                               message_zh=f"版本 {target.version} 已被拒绝，不能部署。")
        if target.status == DEPLOYED:
            raise InvalidInput(f"Version {target.version} is already in use.",
                               message_zh=f"版本 {target.version} 已在使用中。")
        return DeployedModel(target.version, target.sha256)

    @staticmethod
    def _deployed(s: Session) -> NluModelVersion | None:
        return s.scalar(select(NluModelVersion).where(NluModelVersion.status == DEPLOYED)
                        .order_by(NluModelVersion.id.desc()).limit(1))

    @staticmethod
    def _retire_deployed(s: Session) -> None:
        s.execute(update(NluModelVersion).where(NluModelVersion.status == DEPLOYED).values(status=RETIRED))

    @staticmethod
    def _row(s: Session, version: str) -> NluModelVersion:
        row = s.scalar(select(NluModelVersion).where(NluModelVersion.version == version.strip()))
        if row is None:
            raise NotFound(f"No model version {version!r}.", message_zh=f"没有模型版本 {version!r}。")
        return row
