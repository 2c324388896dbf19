{{ config(alias='标签') }}

{#- Every code the marts write and its Chinese label, from the same macros as the views: what
    the run report's site reads, and a decode table for BI tools. -#}
with codes (kind, code) as (
    values
    ('status', 'new'), ('status', 'continuing'), ('status', 'discontinued'),
    ('status', 'remapped'),
    ('level', 'category'), ('level', 'subcategory'), ('level', 'item'),
    ('fund_scope', 'all_funds'), ('fund_scope', 'general_public_budget'),
    ('econ_kind', 'government'), ('econ_kind', 'department'),
    ('fund_group', 'current_year'), ('fund_group', 'carryover'), ('fund_group', 'total'),
    ('document_status', 'published'), ('document_status', 'rejected'),
    ('document_status', 'companion')
)

select
    kind as 类别,
    code as 代码,
    case kind
        when 'status' then {{ status_zh('code') }}
        when 'level' then {{ level_zh('code') }}
        when 'fund_scope' then {{ fund_scope_zh('code') }}
        when 'econ_kind' then {{ econ_kind_zh('code') }}
        when 'fund_group' then {{ fund_group_zh('code') }}
        when 'document_status' then {{ document_status_zh('code') }}
    end as 名称
from codes
