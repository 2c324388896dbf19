-- 三公经费 per department and year, one row per printed figure.

with years as (
    select document_id, fiscal_year, department_key from {{ ref('int_department_years') }}
),

figures as (
    unpivot (
        select
            document_id, total, outbound_travel, reception, vehicles_total,
            vehicle_purchase, vehicle_operation
        from {{ ref('stg_three_public') }}
    )
    on total, outbound_travel, reception, vehicles_total, vehicle_purchase, vehicle_operation
    into name code value amount
)

select
    years.department_key,
    years.fiscal_year,
    'fiscal_appropriation' as scope,
    'three_public' as classification,
    figures.code,
    sum(figures.amount) as amount
from figures
inner join years on years.document_id = figures.document_id
group by all
