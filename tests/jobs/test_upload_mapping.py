"""The column-mapping step of an upload: unknown headers wait for a mapping, shown with their first values;
mapped, the dry run names the bad row with its cells; the saved mapping reads the fixed file at once and
its commit job imports through it."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import text

from tierwise.errors import NotFoundError, PermissionDeniedError, UsageError
from tierwise.i18n import translate
from tierwise.jobs.worker import consuming
from tierwise.services.header_maps import list_mappings, resolve_header_map
from tierwise.services.upload_mapping import map_upload, mapping_choices
from tierwise.services.uploads import commit_upload, get_upload, receive_upload
from tierwise.store.db import engine_from_settings

from .conftest import ANA, BO, DESK, LI, context, wait_for

ERP = (
    "往来单位编码,客户名称,所属片区,年营业额\n"
    "N1,新华机电,华东,1200000\nN2,远大贸易,华南,五十万\nN3,东方物流,华北,800000\n"
)


def upload_of(body: str) -> list[tuple[str, io.BytesIO]]:
    return [("customers.csv", io.BytesIO(body.encode("utf-8")))]


def stored(settings, sql: str) -> list[tuple]:
    engine = engine_from_settings(settings)
    with engine.connect() as con:
        rows = [tuple(r) for r in con.execute(text(sql))]
    engine.dispose()
    return rows


def test_unknown_headers_wait_for_their_mapping_then_the_bad_row_is_shown_with_its_cells(settings) -> None:
    ctx = context(settings, ANA)
    upload = receive_upload(ctx, upload_of(ERP), ask_mapping=True)
    assert upload.state == "mapping" and upload.tables == [] and upload.errors == []
    (survey,) = upload.headers
    assert (survey.file, survey.table, survey.unknown) == ("customers.csv", "customers", ["往来单位编码", "所属片区"])
    assert [c.values for c in survey.columns if not c.known] == [["N1", "N2", "N3"], ["华东", "华南", "华北"]]
    assert mapping_choices(upload) == {"customers.csv": {"往来单位编码": "", "所属片区": ""}}
    with pytest.raises(UsageError, match="'owner_name' is not a column of the customers table"):
        map_upload(ctx, upload.id, {"customers.csv": {"所属片区": "owner_name"}})

    mapped = map_upload(
        ctx, upload.id, {"customers.csv": {"往来单位编码": "customer_id", "所属片区": "region"}}, save_as="erp-客户"
    )
    assert mapped.state == "invalid" and mapped.total_errors == 1
    (error,) = mapped.errors
    assert (error.file, error.row, error.column, error.value) == ("customers.csv", 3, "年营业额", "五十万")
    assert translate(error.reason, "en") == "not a number (write e.g. 1234.50)"
    assert mapped.headers[0].rows == {3: ["N2", "远大贸易", "华南", "五十万"]}
    assert [(m.name, m.mapping, m.saved_by) for m in list_mappings(ctx)] == [
        ("erp-客户", {"customers": {"往来单位编码": "customer_id", "所属片区": "region"}}, "ana")
    ]
    audit = stored(settings, "SELECT action, target_id FROM audit WHERE action LIKE 'header_mapping%'")
    assert audit == [("header_mapping.save", "erp-客户")]

    fixed = receive_upload(ctx, upload_of(ERP.replace("五十万", "500000")), mapping="erp-客户", ask_mapping=True)
    assert fixed.state == "pending", fixed.errors
    assert [(t.table, t.created) for t in fixed.tables] == [("customers", 3)]
    with consuming(settings) as queue:
        job = commit_upload(ctx, queue, fixed.id)
        done = wait_for(ctx, queue, job.id)
    assert done.state == "done", done.error and translate(done.error, "en")
    assert get_upload(ctx, fixed.id).state == "committed"
    rows = stored(settings, "SELECT customer_id, region, annual_revenue FROM customers ORDER BY customer_id")
    assert [(r[0], r[1], float(r[2])) for r in rows] == [
        ("N1", "华东", 1200000.0),
        ("N2", "华南", 500000.0),
        ("N3", "华北", 800000.0),
    ]


def test_a_saved_mapping_is_what_map_names_when_no_file_has_that_name(settings, tmp_path) -> None:
    ctx = context(settings, ANA)
    upload = receive_upload(ctx, upload_of(ERP), ask_mapping=True)
    map_upload(ctx, upload.id, {"customers.csv": {"往来单位编码": "customer_id"}}, save_as="erp")
    assert resolve_header_map(ctx, "erp") == {"customers": {"往来单位编码": "customer_id"}}
    file = tmp_path / "erp"
    file.write_text("客户:\n  所属片区: region\n", encoding="utf-8")
    assert resolve_header_map(ctx, str(file)) == {"customers": {"所属片区": "region"}}
    with pytest.raises(
        UsageError, match=r"--map 'nope': no such file, and no saved mapping of that name \(saved mappings: erp\)"
    ):
        resolve_header_map(ctx, "nope")
    with pytest.raises(NotFoundError, match="no saved mapping 'nope'"):
        receive_upload(ctx, upload_of(ERP), mapping="nope")


def test_only_who_may_import_maps_an_upload(settings) -> None:
    upload = receive_upload(context(settings, ANA), upload_of(ERP), ask_mapping=True)
    with pytest.raises(NotFoundError, match=f"no upload {upload.id}"):
        map_upload(context(settings, BO), upload.id, {})  # another analyst's upload
    for refused in (LI, DESK):
        with pytest.raises(PermissionDeniedError):
            map_upload(context(settings, refused), upload.id, {})
        with pytest.raises(PermissionDeniedError):
            receive_upload(context(settings, refused), upload_of(ERP), ask_mapping=True)


def test_a_header_kept_as_an_extra_column_is_not_imported(settings) -> None:
    ctx = context(settings, ANA)
    good = ERP.replace("五十万", "500000")
    upload = receive_upload(ctx, upload_of(good), ask_mapping=True)
    mapped = map_upload(ctx, upload.id, {"customers.csv": {"往来单位编码": "customer_id", "所属片区": ""}})
    assert mapped.state == "pending", mapped.errors
    assert mapped.header_map == {"customers": {"往来单位编码": "customer_id"}}
    assert mapping_choices(mapped) == {"customers.csv": {"往来单位编码": "customer_id", "所属片区": ""}}
    with consuming(settings) as queue:
        done = wait_for(ctx, queue, commit_upload(ctx, queue, upload.id).id)
    assert done.state == "done", done.error and translate(done.error, "en")
    assert stored(settings, "SELECT customer_id, region FROM customers ORDER BY customer_id") == [
        ("N1", None),
        ("N2", None),
        ("N3", None),
    ]
    with pytest.raises(UsageError, match=f"upload {upload.id} is committed: its columns can no longer be mapped"):
        map_upload(ctx, upload.id, {})
