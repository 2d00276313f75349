"""``desktop-app nlu``: the review queue, retraining the intent model from it, versions and rollback.

``nlu review list|accept|reject`` is for a supervisor (``--agent CODE``; the PIN is asked for without
echo, or read as one line from stdin with ``--pin-stdin``, never an argument). ``nlu retrain`` fits a
candidate on the packaged training data plus the accepted review items, scores it and the model in
use on the held-out dev sets, and deploys it only when macro-F1 does not drop (exit status
``EXIT_REFUSED`` otherwise, with the drop printed and the refusal recorded). ``nlu versions`` lists
what was recorded; ``nlu rollback [VERSION]`` puts an older version back after checking its file.

The orchestration lives here because the two halves may not import each other: the store's side
(``service.nlu_review``, ``service.nlu_versions``) and the model's (``nlu.retrain``, ``nlu.scoring``,
``nlu.model_versions``). The running app loads the deployed version in ``App._build_assistant``.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.cli.common import lang, open_app
from desktop_app.cli.output import emit_json
from desktop_app.core.config import Settings

if TYPE_CHECKING:
    from desktop_app.app import App
    from desktop_app.nlu.scoring import Scorecard
    from desktop_app.service.desk_types import AgentView
    from desktop_app.service.nlu_review import ReviewItemView

#: Exit status of a retrain whose candidate was refused (1 is any other failure).
EXIT_REFUSED = 3


def _tr(language: str, en: str, zh: str) -> str:
    return zh if language == "zh" else en


def _reviewer(app: App, args: argparse.Namespace) -> AgentView:
    pin = sys.stdin.readline().strip() if args.pin_stdin else getpass.getpass("PIN: ")
    return app.desk.accounts.sign_in(args.agent, pin)


def _item_line(i: ReviewItemView, language: str) -> str:
    said = " ".join(i.text.split())
    confidence = "-" if i.confidence is None else f"{i.confidence:.2f}"
    suggested = f" → {i.suggested_intent} ({i.suggested_by})" if i.suggested_intent else ""
    final = f" = {i.final_intent}" if i.final_intent else ""
    return (f"#{i.item_id:<5} {i.status:<8} {i.source:<16} {i.language} AI: {i.predicted_intent or '-'} "
            f"({confidence}){suggested}{final}  {said}")


def cmd_review_list(args: argparse.Namespace, settings: Settings) -> int:
    app = open_app(settings)
    items = app.nlu_versions.review.items(_reviewer(app, args), status=None if args.all else "pending")
    if args.json:
        emit_json(items)
        return 0
    language = lang(args, settings)
    if not items:
        print(_tr(language, "The review queue is empty.", "待审队列为空。"))
    for item in items:
        print(_item_line(item, language))
    return 0


def cmd_review_accept(args: argparse.Namespace, settings: Settings) -> int:
    app = open_app(settings)
    item = app.nlu_versions.review.accept(_reviewer(app, args), args.item, args.intent)
    if args.json:
        emit_json(item)
    else:
        print(_tr(lang(args, settings), f"Accepted #{item.item_id} as {item.final_intent}.",
                  f"已采纳 #{item.item_id}，意图为 {item.final_intent}。"))
    return 0


def cmd_review_reject(args: argparse.Namespace, settings: Settings) -> int:
    app = open_app(settings)
    item = app.nlu_versions.review.reject(_reviewer(app, args), args.item)
    if args.json:
        emit_json(item)
    else:
        print(_tr(lang(args, settings), f"Rejected #{item.item_id}.", f"已驳回 #{item.item_id}。"))
    return 0


def _figures(card: Scorecard) -> dict[str, float]:
    return {"all": card.macro_f1, **{d.language: d.macro_f1 for d in card.languages}}


def _score_lines(in_use: str, before: Scorecard, after: Scorecard, language: str) -> list[str]:
    """Macro-F1 per language before and after, then F1 (with the candidate's P/R) per intent."""
    zh = language == "zh"
    lines = ["开发集（从未训练）上的 macro-F1：" if zh else "Macro-F1 on the held-out dev sets:",
             f"  {'':<6}{in_use:>10}{'candidate' if not zh else '候选':>10}{'change' if not zh else '变化':>9}"]
    old, new = _figures(before), _figures(after)
    for key in ("en", "zh", "all"):
        if key in old and key in new:
            lines.append(f"  {key:<6}{old[key]:>10.4f}{new[key]:>10.4f}{round(new[key], 4) - round(old[key], 4):>+9.4f}")
    lines.append("各意图（候选模型的精确率/召回率/F1，及原 F1）：" if zh else
                 "Per intent (candidate precision / recall / F1, and the F1 before):")
    was = {s.label: s.f1 for s in before.overall.per_intent}
    for s in after.overall.per_intent:
        if s.support:
            lines.append(f"  {s.label:<24} P {s.precision:.3f}  R {s.recall:.3f}  F1 {s.f1:.3f}"
                         f"  ({was.get(s.label, 0.0):.3f})  n={s.support}")
    return lines


def cmd_retrain(args: argparse.Namespace, settings: Settings) -> int:
    """Build, score, compare, then deploy or refuse (see the module docstring)."""
    from desktop_app.core.errors import NotFound
    from desktop_app.nlu.classifier import TRAIN_FILES, load_examples, load_or_train
    from desktop_app.nlu.model_versions import BASE, load_version, model_digest, save_version, versions_dir
    from desktop_app.nlu.retrain import build_candidate, dev_examples, judge
    from desktop_app.nlu.scoring import score

    language = lang(args, settings)
    data_dir: Path | None = args.data_dir
    app = open_app(settings)
    versions = app.nlu_versions
    reviewed = versions.review.accepted_examples()
    if not reviewed:
        raise NotFound("No accepted review items yet: nothing new to learn (see `desktop-app nlu review list`).",
                       message_zh="还没有已采纳的待审条目，没有可学习的新内容（见 `desktop-app nlu review list`）。")
    dev = dev_examples(data_dir)
    folder = versions_dir(settings.cache_dir)
    base = load_or_train(cache_dir=settings.cache_dir / "nlu", data_dir=data_dir)
    deployed = versions.deployed_model()
    in_use_name = deployed.version if deployed else BASE
    in_use = base if in_use_name == BASE or deployed is None else load_version(folder, deployed.version, deployed.sha256)
    before = score(in_use, dev)
    if not versions.has_base():  # the first retrain: the base model is recorded, scored the same way
        base_card = before if in_use is base else score(base, dev)
        versions.record(BASE, macro_f1=base_card.macro_f1, baseline_f1=None, scores=base_card.to_json(),
                        status="deployed" if deployed is None else "retired", sha256=model_digest(base),
                        base_examples=len(load_examples(TRAIN_FILES, data_dir)), reviewed_examples=0,
                        note="the model trained from the packaged data")
    candidate = build_candidate(reviewed, data_dir)
    after = score(candidate.model, dev)
    verdict = judge(after, before)
    name = versions.next_version()
    report = _score_lines(in_use_name, before, after, language)
    counts = (f"{candidate.base_examples} base + {candidate.reviewed_examples} reviewed examples"
              + (f" ({candidate.left_out} reviewed left out: dev sentences or unknown intents)" if candidate.left_out else ""))

    def record(status: str, sha256: str, note: str) -> None:
        versions.record(name, macro_f1=after.macro_f1, baseline_f1=before.macro_f1, scores=after.to_json(),
                        status=status, sha256=sha256, base_examples=candidate.base_examples,
                        reviewed_examples=candidate.reviewed_examples, note=note)

    if not verdict.deploy:
        reasons = "; ".join(verdict.reasons_en)
        record("refused", model_digest(candidate.model), f"refused against {in_use_name}: {reasons}")
        print("\n".join(report))
        print(_tr(language, f"Refused {name} ({counts}): {reasons}. {in_use_name} stays in use.",
                  f"已拒绝 {name}（{counts}）：{'；'.join(verdict.reasons_zh)}。继续使用 {in_use_name}。"))
        return EXIT_REFUSED
    sha256 = save_version(candidate.model, folder, name)
    load_version(folder, name, sha256)  # what was written reads back and matches its digest before it is deployed
    record("deployed", sha256, f"replaced {in_use_name}")
    print("\n".join(report))
    print(_tr(language, f"Deployed {name} ({counts}); macro-F1 {before.macro_f1:.4f} → {after.macro_f1:.4f} "
                        f"(was {in_use_name}). Restart the app to use it.",
              f"已部署 {name}（{counts}）；macro-F1 {before.macro_f1:.4f} → {after.macro_f1:.4f}（原为 {in_use_name}）。"
              "重启程序后生效。"))
    return 0


def cmd_versions(args: argparse.Namespace, settings: Settings) -> int:
    history = open_app(settings).nlu_versions.history()
    if args.json:
        emit_json(history)
        return 0
    language = lang(args, settings)
    if not history:
        print(_tr(language, "No model versions yet: the base model is in use (run `desktop-app nlu retrain`).",
                  "尚无模型版本：正在使用基础模型（可运行 `desktop-app nlu retrain`）。"))
    for v in history:
        per = " ".join(f"{k} {f:.4f}" for k, f in v.language_f1)
        baseline = "-" if v.baseline_f1 is None else f"{v.baseline_f1:.4f}"
        print(f"{v.version:<6} {v.status:<9} macro-F1 {v.macro_f1:.4f} ({per}) before {baseline}  "
              f"{v.base_examples}+{v.reviewed_examples}  {v.created_at:%Y-%m-%d %H:%M}  {v.note}")
    return 0


def cmd_rollback(args: argparse.Namespace, settings: Settings) -> int:
    from desktop_app.nlu.model_versions import BASE, load_version, versions_dir

    versions = open_app(settings).nlu_versions
    target = versions.rollback_target(args.version)
    if target.version != BASE:  # the file must still be the one recorded before it goes back into use
        load_version(versions_dir(settings.cache_dir), target.version, target.sha256)
    info = versions.rollback(target.version)
    print(_tr(lang(args, settings), f"{info.version} is in use again (macro-F1 {info.macro_f1:.4f}). "
                                    "Restart the app to use it.",
              f"已恢复使用 {info.version}（macro-F1 {info.macro_f1:.4f}）。重启程序后生效。"))
    return 0


def _reviewer_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--agent", required=True, metavar="CODE", help="the supervisor's agent id")
    p.add_argument("--pin-stdin", action="store_true", help="read the PIN as one line from stdin")
    p.add_argument("--json", action="store_true", help="print JSON")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    nlu = sub.add_parser("nlu", help="learning from agents: the review queue, retrain, versions, rollback")
    actions = nlu.add_subparsers(dest="nlu_action", required=True, metavar="ACTION")
    review = actions.add_parser("review", help="turns the assistant may have misread (supervisors)")
    steps = review.add_subparsers(dest="review_action", required=True, metavar="STEP")
    p = steps.add_parser("list", help="the pending items (the customers' words: for the supervisor's eyes)")
    p.add_argument("--all", action="store_true", help="accepted and rejected items too")
    _reviewer_options(p)
    p.set_defaults(func=cmd_review_list)
    p = steps.add_parser("accept", help="accept an item as a training example")
    p.add_argument("item", type=int, metavar="ID")
    p.add_argument("--intent", help="the intent it really was (default: the correcting agent's)")
    _reviewer_options(p)
    p.set_defaults(func=cmd_review_accept)
    p = steps.add_parser("reject", help="reject an item (it is not learnt from)")
    p.add_argument("item", type=int, metavar="ID")
    _reviewer_options(p)
    p.set_defaults(func=cmd_review_reject)
    p = actions.add_parser("retrain", help="build, score and (unless macro-F1 drops) deploy a new intent model")
    p.add_argument("--data-dir", type=Path, default=None, metavar="DIR",
                   help="read the training files and dev sets from DIR (default: the packaged ones)")
    p.set_defaults(func=cmd_retrain)
    p = actions.add_parser("versions", help="the intent model versions and their dev-set scores")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_versions)
    p = actions.add_parser("rollback", help="put an earlier version back (default: the one before)")
    p.add_argument("version", nargs="?", default=None, metavar="VERSION")
    p.set_defaults(func=cmd_rollback)
