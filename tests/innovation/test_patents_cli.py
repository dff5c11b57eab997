import pytest
from django.core.management import CommandError, call_command

from kexie.innovation.models import Patent

CSV = "公开号,专利名称,摘要,申请人,IPC分类号,公开日,法律状态\nCN1A,污水处理装置,一种装置,甲公司,C02F3/12,2020-05-01,有效\n"


def test_import_with_mapping_then_reimport(db, tmp_path, capsys):
    path = tmp_path / "p.csv"
    path.write_text(CSV, encoding="utf-8")
    call_command("patents", "import", str(path), "--map", "专利名称=title")
    assert Patent.objects.get(publication_no="CN1A").title == "污水处理装置"
    path.write_text(CSV.replace("有效", "失效"), encoding="utf-8")
    call_command("patents", "import", str(path), "--map", "专利名称=title")
    assert Patent.objects.get().legal_status == "失效"
    assert "更新 1 条" in capsys.readouterr().out


def test_import_refuses_bad_rows(db, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(CSV + ",无公开号,x,y,C02F,2020-01-01,有效\n", encoding="utf-8")
    with pytest.raises(CommandError, match="未导入"):
        call_command("patents", "import", str(path))
    assert not Patent.objects.exists()


def test_import_draws_a_progress_bar_to_its_total_unless_quiet(db, tmp_path, monkeypatch):
    import io

    from kexie.core.jobs import terminal

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr(terminal, "EVERY", 0)
    path = tmp_path / "p.csv"
    path.write_text(CSV, encoding="utf-8")
    screen = Terminal()
    call_command(
        "patents", "import", str(path), "--map", "专利名称=title", stdout=io.StringIO(), stderr=screen
    )
    assert "[########################] 1/1 100%" in screen.getvalue()
    quiet = Terminal()
    call_command(
        "patents",
        "import",
        str(path),
        "--map",
        "专利名称=title",
        "--quiet",
        stdout=io.StringIO(),
        stderr=quiet,
    )
    assert quiet.getvalue() == ""
