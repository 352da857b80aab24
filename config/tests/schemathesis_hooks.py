"""Schemathesis hooks of the contract test (schemathesis.toml names this module).

``positive_data_acceptance`` lets a well-formed request end in 400 (or 422) because a
few rules cannot be written in JSON Schema; this check makes sure such a 400
names only those rules, so a bound or format the schema forgot still fails.
"""

import schemathesis

# Error codes of rules beyond JSON Schema: check digits, uniqueness, the
# client's current state, dates relative to today, cross-item rules.
RULE_CODES = frozenset(
    {
        "cpf_invalid",
        "cpf_duplicado",
        "cliente_ativo",
        "cliente_inativo",
        "data_nascimento_futura",
        "data_nascimento_antiga",
        "principal_multiplo",
        "item_inexistente",
        "phone_ddd",
        "phone_mobile",
        "phone_landline",
        "intervalo_invalido",
        "pagina_alem_do_limite",
        "cursor_invalido",
        "criterio_obrigatorio",  # the list needs one narrowing filter, whichever
        "sem_criterios",  # the same for a saved search or a bulk action
        "no_word",  # a name must fold to at least one word (accents, punctuation)
        "saved_not_found",  # a saved search the caller can see, by id
        "saved_stale",  # ... whose criteria still validate
        "invalid_code",  # a 2FA code: the current one, not used before
        "no_mfa",  # turning off 2FA needs it on
        "motivo_obrigatorio",  # a reason, when the action deactivates
        "filtros_ou_pesquisa_salva",  # a bulk action needs filters or a saved search
        "bulk_empty",  # ... whose search finds someone to change
        "bulk_limit",  # ... and not more clients than the configured limit
        "nome_duplicado",  # one name per saved search of a user
        "finalidade_invalida",  # a consent purpose: lower-case letters, digits, _
        # What a spreadsheet holds (imports): its format, encoding, bounds and header.
        "arquivo_vazio",
        "arquivo_invalido",
        "formato_nao_suportado",
        "codificacao_invalida",
        "linha_grande",
        "celula_grande",
        "colunas_demais",
        "linhas_demais",
        "sem_cabecalho",
        "cabecalho_invalido",
        "csv_malformado",
        "xlsx_invalido",
        "xlsx_grande",
        "mapeamento_invalido",  # a JSON object naming the file's columns
    }
)


# 422 means one thing in this API: an Idempotency-Key sent again with another
# request (the fuzzer draws keys from a small alphabet, so it repeats them).
RULE_CODES_BY_STATUS = {400: RULE_CODES, 422: frozenset({"idempotency_key_reused"})}


@schemathesis.check
def rule_rejections_only(ctx, response, case):
    """A schema-valid request refused with 400 or 422 must name only rules the
    schema cannot state."""
    meta = case.meta
    allowed = RULE_CODES_BY_STATUS.get(response.status_code)
    if meta is None or not meta.generation.mode.is_positive or allowed is None:
        return None
    try:
        body = response.json()
    except ValueError as exc:
        raise AssertionError(f"{response.status_code} without a JSON body") from exc
    codes = {error.get("code") for error in body.get("errors", [])}
    unexpected = codes - allowed
    if unexpected:
        raise AssertionError(
            "Schema-valid request refused for a reason the schema could state: "
            + ", ".join(sorted(map(str, unexpected)))
        )
    return None
