-- Codes the warehouse uses but cannot name: neither a document nor the reference seeds print
-- their name. Add them to dbt_project/seeds/ref_*.csv.

with functions as (
    select
        'function' as classification, function_code as code, level, first_year, last_year,
        years
    from {{ ref('dim_function') }}
    where name is null
),

economics as (
    select econ_kind || '_economic', econ_code, level, first_year, last_year, years
    from {{ ref('dim_economic') }}
    where name is null
)

select * from functions
union all
select * from economics
