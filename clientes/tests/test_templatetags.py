from django.template import Context, Template


def test_br_format_filters_display_stored_digits():
    rendered = Template(
        "{% load br_format %}{{ c|cpf }} {{ c|cpf_mascarado }} {{ t|telefone }} {{ z|cep }}"
    ).render(Context({"c": "52998224725", "t": "11987654321", "z": "01310100"}))
    assert rendered == "529.982.247-25 ***.982.247-** (11) 98765-4321 01310-100"
