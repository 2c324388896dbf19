-- Year over year by project code: the money, how many indicators, and how many targets
-- changed (the same 一级/二级/三级 indicator with another operator, target or unit).

with compared as (
    {{ year_over_year(ref('int_project_spending'), "('project', 'item', null)",
                      unknown_is_null=true) }}
),

years as (
    select document_id, fiscal_year, department_key from {{ ref('int_department_years') }}
),

projects as (
    select
        years.department_key,
        years.fiscal_year,
        projects.project_code,
        max(projects.project_name) as project_name,
        string_agg(distinct projects.flags, ',') as amount_flags
    from {{ ref('stg_projects') }} as projects
    inner join years on years.document_id = projects.document_id
    where projects.table_no = '12' and projects.project_code is not null
    group by all
),

indicators as (
    select
        years.department_key,
        years.fiscal_year,
        indicators.project_code,
        concat_ws('|', indicators.level1, indicators.level2, indicators.level3) as indicator,
        -- A project may print the same indicator more than once (one per sub-activity):
        -- the n-th occurrence this year is compared with the n-th last year.
        row_number() over (
            partition by
                years.department_key, years.fiscal_year, indicators.project_code,
                indicators.level1, indicators.level2, indicators.level3
            order by indicators.source_line
        ) as occurrence,
        concat_ws(' ', indicators.operator, indicators.target_text, indicators.unit) as target
    from {{ ref('stg_performance_indicators') }} as indicators
    inner join years on years.document_id = indicators.document_id
    where indicators.table_no = '12' and indicators.project_code is not null
),

indicator_counts as (
    select department_key, fiscal_year, project_code, count(*) as indicators
    from indicators
    group by all
),

changed_targets as (
    select
        current_year.department_key,
        current_year.fiscal_year,
        current_year.project_code,
        count(*) filter (where current_year.target <> prior_year.target) as targets_changed
    from indicators as current_year
    inner join compared
        on
            compared.department_key = current_year.department_key
            and compared.fiscal_year = current_year.fiscal_year
            and compared.code = current_year.project_code
    inner join indicators as prior_year
        on
            prior_year.department_key = current_year.department_key
            and prior_year.fiscal_year = compared.prior_fiscal_year
            and prior_year.project_code = current_year.project_code
            and prior_year.indicator = current_year.indicator
            and prior_year.occurrence = current_year.occurrence
    group by all
)

select
    compared.fiscal_year,
    compared.department_key as department_name,
    compared.code as project_code,
    coalesce(current_project.project_name, prior_project.project_name) as project_name,
    compared.amount,
    compared.prior_fiscal_year,
    compared.prior_amount,
    compared.change,
    compared.change_pct,
    compared.status,
    coalesce(current_count.indicators, 0) as indicators,
    prior_count.indicators as prior_indicators,
    coalesce(changed_targets.targets_changed, 0) as targets_changed,
    current_project.amount_flags
from compared
left join projects as current_project
    on
        current_project.department_key = compared.department_key
        and current_project.fiscal_year = compared.fiscal_year
        and current_project.project_code = compared.code
left join projects as prior_project
    on
        prior_project.department_key = compared.department_key
        and prior_project.fiscal_year = compared.prior_fiscal_year
        and prior_project.project_code = compared.code
left join indicator_counts as current_count
    on
        current_count.department_key = compared.department_key
        and current_count.fiscal_year = compared.fiscal_year
        and current_count.project_code = compared.code
left join indicator_counts as prior_count
    on
        prior_count.department_key = compared.department_key
        and prior_count.fiscal_year = compared.prior_fiscal_year
        and prior_count.project_code = compared.code
left join changed_targets
    on
        changed_targets.department_key = compared.department_key
        and changed_targets.fiscal_year = compared.fiscal_year
        and changed_targets.project_code = compared.code
