{#- One name per code from `printed` (document_id, code[, econ_kind], name): the name printed
    in the latest year that prints the code, its most frequent spelling that year. (The
    parser already writes every name's brackets in one width, so spellings that differ only
    in bracket width are one name.) Also the year that name is from and the other names the
    code has had, for people following a rename. -#}
{% macro name_by_latest_year(printed, key_columns) %}
(
    with printed as (
        select {{ key_columns }}, printed_rows.name, documents.fiscal_year
        from {{ printed }} as printed_rows
        inner join {{ ref('stg_documents') }} as documents
            on documents.document_id = printed_rows.document_id
        where printed_rows.name is not null and printed_rows.name <> ''
    ),

    spellings as (
        select {{ key_columns }}, name, fiscal_year, count(*) as times
        from printed
        group by all
    ),

    ranked as (
        select
            *,
            row_number() over (
                partition by {{ key_columns }}
                order by fiscal_year desc, times desc, name
            ) as rank
        from spellings
    ),

    chosen as (
        select {{ key_columns }}, name, fiscal_year as name_year
        from ranked
        where rank = 1
    ),

    others as (
        select
            {% for column in key_columns.split(',') %}spellings.{{ column.strip() }}, {% endfor %}
            string_agg(distinct spellings.name, ' | ' order by spellings.name) as other_names
        from spellings
        inner join chosen using ({{ key_columns }})
        where spellings.name <> chosen.name
        group by all
    )

    select chosen.*, others.other_names
    from chosen
    left join others using ({{ key_columns }})
)
{% endmacro %}
