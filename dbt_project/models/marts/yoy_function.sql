-- Year over year by function code, per department, for all funds (03) and the general
-- public budget (05), at category, subcategory and item level.

with compared as (
    {{ year_over_year(ref('int_function_spending'),
                      "('function', 'category', 3), ('function', 'subcategory', 5),
                       ('function', 'item', 7)") }}
),

names as (
    select function_code, name from {{ ref('dim_function') }}
)

select
    compared.fiscal_year,
    compared.department_key as department_name,
    compared.scope as fund_scope,
    compared.level,
    compared.code as function_code,
    names.name as function_name,
    compared.amount,
    compared.prior_fiscal_year,
    compared.prior_amount,
    compared.change,
    compared.change_pct,
    compared.status,
    compared.remapped_from
from compared
left join names on names.function_code = compared.code
