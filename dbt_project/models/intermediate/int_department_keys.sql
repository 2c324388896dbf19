-- Each department name ever printed, and the name its history is kept under: the name
-- after every rename (机构改革) in the seed department_renames and the user's file.

with recursive renames as (
    select old_name, new_name from {{ ref('department_renames') }}
    union
    select old_name, new_name from {{ source('config', 'user_department_renames') }}
),

successors (department_name, department_key, steps) as (
    select old_name, new_name, 1 from renames
    union all
    select successors.department_name, renames.new_name, successors.steps + 1
    from successors
    inner join renames on renames.old_name = successors.department_key
    where successors.steps < 50
),

latest as (
    select department_name, arg_max(department_key, steps) as department_key
    from successors
    group by department_name
),

printed as (
    select distinct department_name from {{ ref('int_department_budgets') }}
)

select
    printed.department_name,
    coalesce(latest.department_key, printed.department_name) as department_key
from printed
left join latest on latest.department_name = printed.department_name
