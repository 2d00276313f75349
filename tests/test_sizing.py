"""Size advice from the policy's chart: agreement, disagreement (the larger, with a note), only the
sizes a garment is made in, bodies outside the chart, and the assistant collecting the measurements."""

from __future__ import annotations

import dataclasses
import json

import pytest
from sqlalchemy import select

from desktop_app.core.errors import InvalidInput, NotEligible, NotFound
from desktop_app.dialogue.reply import Outcome
from desktop_app.service.policy import SizeRow
from desktop_app.service.sizing import SizeAdvice, SizeAdvisor, size_rank
from desktop_app.service.types import ServiceAction
from desktop_app.store.schema import Product


def _chart(app) -> list[SizeRow]:
    return sorted(app.policy.sizes_for("apparel"), key=lambda r: size_rank(r.size))


def _middle(row: SizeRow) -> tuple[float, float]:
    return sum(row.height_cm) / 2, sum(row.weight_kg) / 2


def _garment(app, predicate) -> tuple[str, tuple[str, ...], int]:
    with app.db.session() as s:
        for p in s.scalars(select(Product).where(Product.category == "apparel").order_by(Product.id)):
            sizes = tuple(sorted({a.value for a in p.attributes if a.key == "size"}, key=size_rank))
            if sizes and predicate(p, sizes):
                return p.sku, sizes, p.stock
    raise AssertionError("no garment matches")


def test_a_body_in_the_middle_of_a_row_gets_that_size(app):
    for row in _chart(app):
        advice = app.sizing.advise(*_middle(row))
        assert isinstance(advice, SizeAdvice) and advice.size == row.size and advice.basis == "fits"
        assert row.size in advice.summary("zh") and row.size in advice.summary("en")


def test_when_height_and_weight_disagree_the_larger_wins_with_a_note(app):
    chart = _chart(app)
    small, large = chart[1], chart[2]
    tall_light = app.sizing.advise(sum(large.height_cm) / 2, small.weight_kg[0] + 0.5)
    heavy_short = app.sizing.advise(small.height_cm[0] + 0.5, sum(large.weight_kg) / 2)
    assert heavy_short.basis == "by_weight" and heavy_short.size == large.size
    assert heavy_short.alternative is not None and size_rank(heavy_short.alternative) < size_rank(large.size)
    assert "按体重" in heavy_short.note("zh") and f"可选{heavy_short.alternative}码" in heavy_short.note("zh")
    assert tall_light.basis == "by_height" and size_rank(tall_light.size) >= size_rank(large.size)
    assert "by height" in tall_light.note("en")


def test_outside_the_chart_is_said_not_guessed(app):
    chart = _chart(app)
    top = max(r.height_cm[1] for r in chart)
    advice = app.sizing.advise(top + 5, sum(chart[-1].weight_kg) / 2)
    assert advice.size is None and advice.basis == "out_of_chart" and not advice.in_chart
    zh = " ".join(advice.card_lines("zh"))
    assert "超出" in zh and f"{top:g}" in zh and "人工" in zh
    with pytest.raises(InvalidInput):
        app.sizing.advise(175, 700)


def test_only_sizes_the_garment_is_made_in(app):
    chart = _chart(app)
    sku, sizes, _ = _garment(app, lambda p, sizes: chart[-1].size not in sizes and chart[2].size not in sizes)
    body = _middle(chart[-1])
    advice = app.sizing.advise(*body, sku=sku)
    assert advice.offered == sizes and advice.available is False
    assert f"没有{advice.size}码" in " ".join(advice.card_lines("zh"))
    fits = next(r for r in chart if r.size in sizes)
    ok = app.sizing.advise(*_middle(fits), sku=sku.lower())
    assert ok.available is True and ok.size == fits.size and ok.sku == sku


def test_a_sold_out_garment_says_so_and_other_goods_have_no_sizes(app):
    sku, sizes, stock = _garment(app, lambda p, sizes: p.stock == 0)
    row = next(r for r in _chart(app) if r.size in sizes)
    advice = app.sizing.advise(*_middle(row), sku=sku)
    assert stock == 0 and advice.stock == 0 and "缺货" in " ".join(advice.card_lines("zh"))
    in_stock, _, _ = _garment(app, lambda p, sizes: p.stock > 0)
    assert app.sizing.advise(*_middle(row), sku=in_stock).stock is None  # no stock per size: nothing said
    with app.db.session() as s:
        phone = s.scalar(select(Product.sku).where(Product.category == "phone").limit(1))
    with pytest.raises(NotEligible):
        app.sizing.advise(170, 60, sku=phone)
    with pytest.raises(NotFound):
        app.sizing.advise(170, 60, category="furniture")


def test_the_chart_is_the_policys(app):
    rows = (SizeRow("apparel", "ONE", (100.0, 250.0), (20.0, 300.0)),)
    advisor = SizeAdvisor(app.db, dataclasses.replace(app.policy, size_chart=rows))
    assert advisor.advise(200, 150).size == "ONE"


def test_the_assistant_reads_height_and_weight_from_one_sentence(app):
    st = app.assistant.new_session(language="zh")
    reply = app.assistant.ask(st, "身高175体重70穿什么码").reply
    expected = app.sizing.advise(175, 70).size
    assert reply.intent == "size_advice" and ServiceAction.SIZE_ADVISED in reply.actions
    assert f"{expected} 码" in reply.text


def test_the_assistant_asks_for_what_is_missing(app):
    st = app.assistant.new_session(language="en")
    first = app.assistant.ask(st, "what size should I get? I'm 1.65m").reply
    assert first.outcome == Outcome.FORM and "weight" in first.text
    second = app.assistant.ask(st, "55 kg").reply
    assert ServiceAction.SIZE_ADVISED in second.actions
    assert app.sizing.advise(165, 55).size in second.text


def test_the_assistant_hands_an_out_of_chart_body_to_a_person(app):
    st = app.assistant.new_session(language="zh")
    reply = app.assistant.ask(st, "身高2米，体重100公斤，穿多大码").reply
    assert ServiceAction.SIZE_ADVISED not in reply.actions and "超出" in reply.text and "转人工" in reply.suggestions


def test_cli_advises_and_refuses_bad_numbers(cli, app):
    code, out, _ = cli("size", "--height", "175", "--weight", "70", "--json")
    assert code == 0 and json.loads(out)["size"] == app.sizing.advise(175, 70).size
    code, out, err = cli("size", "--height", "tall", "--weight", "70")
    assert code != 0 and out == "" and len(err.strip().splitlines()) == 1 and "--height" in err
