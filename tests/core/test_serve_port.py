"""`kexie serve` and `kexie demo` say in Chinese that a port is taken, before claiming to run."""

import socket
from io import StringIO

import pytest
from django.core.management import CommandError, call_command


@pytest.fixture
def taken_port():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


@pytest.mark.django_db
@pytest.mark.parametrize("command", ["serve", "demo"])
def test_a_taken_port_is_refused_before_anything_is_claimed(taken_port, command):
    out = StringIO()
    with pytest.raises(CommandError, match=f"端口 {taken_port} 已被占用.*--port"):
        call_command(command, port=taken_port, stdout=out)
    assert "正在运行" not in out.getvalue() and "已载入" not in out.getvalue()
