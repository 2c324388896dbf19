{#- Year-over-year comparison of one department's spending by code.

    `spending` has one row per department_key, fiscal_year, scope, classification and code as
    printed, with its amount. `levels` lists (classification, level, digits): a level sums the
    codes by their first `digits` digits (NULL: the whole code, one level).

    Last year's amounts are first put under the codes this year uses, through the crosswalk
    (at the printed level, shares splitting a code with the remainder on one target so the
    total stays exact); then both years are summed per level. A level's row is `remapped` when
    money reached it from a code that, at that level, was another code last year.

    `unknown_is_null`: a NULL amount is one the document printed but the reader could not
    read (table 12), not "nothing": a sum over it stays NULL, and only a code absent from a
    year counts as 0 there. -#}
{% macro year_over_year(spending, levels, unknown_is_null=false) %}
{%- set total = 'case when count(*) = count({0}) then sum({0}) end' if unknown_is_null
    else 'sum({0})' %}

with spending as (
    select * from {{ spending }}
),

years as (
    select distinct department_key, fiscal_year, prior_fiscal_year
    from {{ ref('int_department_years') }}
),

crosswalk as (
    select classification, from_year, from_code, to_code, share
    from {{ ref('int_classification_crosswalk') }}
),

levels as (
    select * from (values {{ levels }}) as level_list (classification, level, digits)
),

prior_targets as (
    select
        years.department_key,
        years.fiscal_year,
        spending.scope,
        spending.classification,
        spending.code as from_code,
        coalesce(crosswalk.to_code, spending.code) as code,
        spending.amount,
        crosswalk.to_code is not null and crosswalk.to_code <> spending.code as remapped,
        -- Widened: DuckDB keeps DECIMAL(18,6) × DECIMAL in 18 digits, too few from
        -- 10^6 万元 on.
        round(spending.amount::decimal(38, 6) * coalesce(crosswalk.share, 1), 6)
            as share_amount,
        row_number() over (
            partition by years.department_key, years.fiscal_year, spending.scope,
                spending.classification, spending.code
            order by crosswalk.to_code desc
        ) as target_rank
    from years
    inner join spending
        on spending.department_key = years.department_key
        and spending.fiscal_year = years.prior_fiscal_year
    left join crosswalk
        on crosswalk.classification = spending.classification
        and crosswalk.from_year = spending.fiscal_year
        and crosswalk.from_code = spending.code
),

prior_rekeyed as (
    select
        *,
        case
            when target_rank = 1 then amount - (
                sum(share_amount) over (
                    partition by department_key, fiscal_year, scope, classification, from_code
                ) - share_amount
            )
            else share_amount
        end as allocated
    from prior_targets
),

current_by_level as (
    select
        spending.department_key,
        spending.fiscal_year,
        spending.scope,
        spending.classification,
        levels.level,
        left(spending.code, coalesce(levels.digits, 1000)) as code,
        {{ total.format('spending.amount') }} as amount
    from spending
    inner join levels
        on levels.classification = spending.classification
        and length(spending.code) >= coalesce(levels.digits, 0)
    group by all
),

prior_by_level as (
    select
        prior_rekeyed.department_key,
        prior_rekeyed.fiscal_year,
        prior_rekeyed.scope,
        prior_rekeyed.classification,
        levels.level,
        left(prior_rekeyed.code, coalesce(levels.digits, 1000)) as code,
        {{ total.format('prior_rekeyed.allocated') }} as prior_amount,
        string_agg(distinct prior_rekeyed.from_code, ', ' order by prior_rekeyed.from_code)
            filter (
                where prior_rekeyed.remapped
                and left(prior_rekeyed.from_code, coalesce(levels.digits, 1000))
                    <> left(prior_rekeyed.code, coalesce(levels.digits, 1000))
            ) as remapped_from
    from prior_rekeyed
    inner join levels
        on levels.classification = prior_rekeyed.classification
        and length(prior_rekeyed.code) >= coalesce(levels.digits, 0)
    group by all
),

compared as (
    select
        coalesce(current_by_level.department_key, prior_by_level.department_key)
            as department_key,
        coalesce(current_by_level.fiscal_year, prior_by_level.fiscal_year) as fiscal_year,
        coalesce(current_by_level.scope, prior_by_level.scope) as scope,
        coalesce(current_by_level.classification, prior_by_level.classification)
            as classification,
        coalesce(current_by_level.level, prior_by_level.level) as level,
        coalesce(current_by_level.code, prior_by_level.code) as code,
        {% if unknown_is_null -%}
        case when current_by_level.code is null then 0 else current_by_level.amount end
        {%- else -%}
        coalesce(current_by_level.amount, 0)
        {%- endif %} as amount,
        prior_by_level.prior_amount,
        prior_by_level.remapped_from,
        current_by_level.code is not null as in_current_year,
        prior_by_level.code is not null as in_prior_year
    from current_by_level
    full outer join prior_by_level
        on prior_by_level.department_key = current_by_level.department_key
        and prior_by_level.fiscal_year = current_by_level.fiscal_year
        and prior_by_level.scope = current_by_level.scope
        and prior_by_level.classification = current_by_level.classification
        and prior_by_level.level = current_by_level.level
        and prior_by_level.code = current_by_level.code
),

with_status as (
    select
        compared.department_key,
        compared.fiscal_year,
        compared.scope,
        compared.classification,
        compared.level,
        compared.code,
        compared.amount,
        years.prior_fiscal_year,
        case
            when years.prior_fiscal_year is null then null
            {% if unknown_is_null -%}
            when not compared.in_prior_year then 0
            else compared.prior_amount
            {%- else -%}
            else coalesce(compared.prior_amount, 0)
            {%- endif %}
        end as prior_amount,
        case
            when years.prior_fiscal_year is null then 'new'
            when not compared.in_prior_year then 'new'
            when not compared.in_current_year then 'discontinued'
            when compared.remapped_from is not null then 'remapped'
            else 'continuing'
        end as status,
        compared.remapped_from
    from compared
    inner join years
        on years.department_key = compared.department_key
        and years.fiscal_year = compared.fiscal_year
)

select
    *,
    amount - prior_amount as change,
    {{ percent_change('amount - prior_amount', 'prior_amount') }} as change_pct
from with_status

{% endmacro %}
