-- Revenue as printed by 01 收支总表 and 02 收入总表, in one shape: which fund group
-- (this year's revenue, last year's carry-over, or the grand total) and which source. Shanghai's
-- 01 prints 财政拨款收入 (fiscal_appropriation) with its funds beneath it (fund_item lines):
-- both are this year's revenue, the funds a breakdown of the appropriation (part_of it).
-- Jiangsu's 02 prints its groups' 小计 with their parts beneath them (part_of the group).

with summary_lines as (
    select * from {{ ref('stg_budget_summary') }}
    where table_no = '01' and side = 'revenue'
),

from_summary as (
    select
        document_id,
        '01' as table_no,
        case line_type
            when 'item' then 'current_year'
            when 'fund_item' then 'current_year'
            when 'subtotal' then 'current_year'
            when 'carryover' then 'carryover'
            when 'carryover_item' then 'carryover'
            when 'total' then 'total'
        end as fund_group,
        case line_type
            when 'subtotal' then 'subtotal'
            when 'carryover' then 'subtotal'
            when 'total' then 'total'
            else revenue_source
        end as revenue_source,
        case when line_type = 'fund_item' then 'fiscal_appropriation' end as part_of,
        label as revenue_name,
        amount,
        source_line,
        source_page
    from summary_lines
),

from_revenue_table as (
    select
        document_id,
        '02' as table_no,
        fund_group,
        revenue_source,
        part_of,
        label as revenue_name,
        amount,
        source_line,
        source_page
    from {{ ref('stg_revenue') }}
)

select * from from_summary
union all
select * from from_revenue_table
