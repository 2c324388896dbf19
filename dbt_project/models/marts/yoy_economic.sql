-- Year over year by economic code (from 03 支出总表), per department, for government and
-- department economic codes at every level.

with compared as (
    {{ year_over_year(ref('int_economic_spending'),
                      "('government_economic', 'category', 3),
                       ('government_economic', 'subcategory', 5),
                       ('department_economic', 'category', 3),
                       ('department_economic', 'subcategory', 5),
                       ('department_economic', 'item', 7)") }}
),

names as (
    select econ_kind, econ_code, name from {{ ref('dim_economic') }}
)

select
    compared.fiscal_year,
    compared.department_key as department_name,
    compared.scope as econ_kind,
    compared.level,
    compared.code as econ_code,
    names.name as econ_name,
    compared.amount,
    compared.prior_fiscal_year,
    compared.prior_amount,
    compared.change,
    compared.change_pct,
    compared.status,
    compared.remapped_from
from compared
left join names on names.econ_kind = compared.scope and names.econ_code = compared.code
