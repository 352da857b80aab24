"""Log lines: a request id on each, and never a full CPF, whoever logs what."""

import logging

import pytest

from audit import context as audit_context
from audit.sanitize import mask_cpfs_in_text

log = logging.getLogger("audit.tests")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cpf 52998224725", "cpf ***.982.247-**"),
        ("cpf=529.982.247-25.", "cpf=***.982.247-**."),
        ("a 52998224725,11144477735", "a ***.982.247-**,***.444.777-**"),
        ("(11) 98765-4321 ok", "(11) 98765-4321 ok"),  # phones stay
        ("+5511987654321", "+5511987654321"),  # 13 digits: not a CPF
        ("id 3f52998224725ab", "id 3f52998224725ab"),  # inside a hex id
        ("2026-11-29 06:00:00", "2026-11-29 06:00:00"),
        ("", ""),
    ],
)
def test_mask_cpfs_in_text(text, expected):
    assert mask_cpfs_in_text(text) == expected


def test_console_lines_mask_cpfs_in_messages_args_and_tracebacks(console_log):
    log.info("cliente %s criado", "529.982.247-25")
    log.info({"cpf": "52998224725"})
    try:
        raise ValueError("duplicate key (cpf)=(11144477735)")
    except ValueError:
        log.exception("falhou para %s", "52998224725")
    output = console_log.getvalue()
    for cpf in ("529.982.247-25", "52998224725", "11144477735"):
        assert cpf not in output
    assert "cliente ***.982.247-** criado" in output
    assert "(cpf)=(***.444.777-**)" in output


def test_lines_outside_a_request_say_dash_and_inside_a_task_its_id(console_log):
    log.info("fora")
    with audit_context.bind(audit_context.OperationContext(request_id="tarefa-123456")):
        log.info("dentro")
    lines = console_log.getvalue().splitlines()
    assert any("[-] fora" in line for line in lines)
    assert any("[tarefa-123456] dentro" in line for line in lines)
