import pytest
from django.core.exceptions import ValidationError

from common import br


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("529.982.247-25", "52998224725"),
        ("52998224725", "52998224725"),
        (" 529.982.247-25 ", "52998224725"),
        ("111.444.777-35", "11144477735"),
    ],
)
def test_normalize_cpf_accepts_masked_and_bare(value, expected):
    assert br.normalize_cpf(value) == expected


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("529.982.247-24", "cpf_invalid"),  # wrong check digit
        ("111.111.111-11", "cpf_invalid"),  # repeated digits pass the arithmetic
        ("00000000000", "cpf_invalid"),
        ("5299822472", "cpf_length"),
        ("529982247250", "cpf_length"),
        ("", "cpf_length"),
        ("529.982.247-2a", "cpf_invalid"),
        ("52998224725'; DROP TABLE clientes;--", "cpf_invalid"),
        (None, "cpf_length"),
    ],
)
def test_normalize_cpf_rejects_invalid(value, code):
    with pytest.raises(ValidationError) as exc:
        br.normalize_cpf(value)
    assert exc.value.code == code


def test_every_repeated_digit_cpf_is_invalid():
    assert not any(br.is_valid_cpf(str(d) * 11) for d in range(10))


def test_format_and_mask_cpf():
    assert br.format_cpf("52998224725") == "529.982.247-25"
    assert br.mask_cpf("52998224725") == "***.982.247-**"
    assert br.mask_cpf("garbage") == "***.***.***-**"


@pytest.mark.parametrize(
    ("value", "expected", "formatted"),
    [
        ("(11) 99999-8888", "11999998888", "(11) 99999-8888"),
        ("11 3333-4444", "1133334444", "(11) 3333-4444"),
        ("+55 21 98765-4321", "21987654321", "(21) 98765-4321"),
    ],
)
def test_phone_normalize_and_format(value, expected, formatted):
    assert br.normalize_phone(value) == expected
    assert br.format_phone(expected) == formatted


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("9999-8888", "phone_length"),
        ("(20) 99999-8888", "phone_ddd"),  # DDD 20 does not exist
        ("(11) 89999-8888", "phone_mobile"),
        ("(11) 9333-4444", "phone_landline"),
    ],
)
def test_phone_rejects_invalid(value, code):
    with pytest.raises(ValidationError) as exc:
        br.normalize_phone(value)
    assert exc.value.code == code


def test_cep():
    assert br.normalize_cep("01310-100") == "01310100"
    assert br.format_cep("01310100") == "01310-100"
    for bad in ("0131-010", "01310-10a", "", None):
        with pytest.raises(ValidationError):
            br.normalize_cep(bad)
