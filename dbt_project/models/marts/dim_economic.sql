-- Economic classification codes at every level the documents use, for both kinds:
-- government (政府预算支出经济分类: category 3 digits, subcategory 5) and department
-- (部门预算支出经济分类: category 3, subcategory 5, and Beijing's 7-digit items).

with documents as (
    select document_id, fiscal_year from {{ ref('int_department_budgets') }}
),

printed_names as (
    select document_id, 'government' as econ_kind, gov_econ_code as code, gov_econ_name as name
    from {{ ref('stg_expenditure') }}
    union all
    select document_id, 'department', dept_econ_code, dept_econ_name
    from {{ ref('stg_expenditure') }}
    union all
    select document_id, 'government', gov_econ_code, gov_econ_name
    from {{ ref('stg_basic_expenditure') }}
    union all
    select document_id, 'department', dept_econ_code, dept_econ_name
    from {{ ref('stg_basic_expenditure') }}
    union all
    -- Parent rows printed above their items (Shanghai's 类 and 款).
    select document_id, 'department', code, name from {{ ref('stg_printed_codes') }}
    where classification = 'department_economic'
),

levels as (
    select * from (
        values
        ('government', 'category', 3), ('government', 'subcategory', 5),
        ('department', 'category', 3), ('department', 'subcategory', 5),
        ('department', 'item', 7)
    ) as level_list (econ_kind, level, digits)
),

codes as (
    select
        printed_names.econ_kind,
        left(printed_names.code, levels.digits) as econ_code,
        levels.level,
        min(documents.fiscal_year) as first_year,
        max(documents.fiscal_year) as last_year,
        string_agg(
            distinct documents.fiscal_year::varchar, ','
            order by documents.fiscal_year::varchar
        ) as years
    from printed_names
    inner join documents on documents.document_id = printed_names.document_id
    inner join levels
        on
            levels.econ_kind = printed_names.econ_kind
            and length(printed_names.code) >= levels.digits
    where printed_names.code is not null
    group by all
),

names as (
    select * from {{ name_by_latest_year('printed_names', 'econ_kind, code') }}
),

reference as (
    select econ_kind, code, name from {{ ref('ref_economic_categories') }}
    union all
    select econ_kind, code, name from {{ ref('ref_economic_subcategories') }}
),

final as (
    select
        codes.econ_kind,
        codes.econ_code,
        codes.level,
        coalesce(names.name, reference.name) as name,
        case
            when names.name is not null then 'document'
            when reference.name is not null then 'reference'
            else 'unknown'
        end as name_source,
        names.name_year,
        names.other_names,
        case codes.level
            when 'item' then left(codes.econ_code, 5)
            when 'subcategory' then left(codes.econ_code, 3)
        end as parent_code,
        left(codes.econ_code, 3) as category_code,
        codes.first_year,
        codes.last_year,
        codes.years
    from codes
    left join names
        on names.econ_kind = codes.econ_kind and names.code = codes.econ_code
    left join reference
        on reference.econ_kind = codes.econ_kind and reference.code = codes.econ_code
)

select * from final
