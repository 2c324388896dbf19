-- What each 决算 says in words about its execution, beside what its tables print: the budget
-- (年初预算: approved, 全年预算: adjusted), the actual and the stated rate of each sentence, the
-- table's 决算数 for the same figure, and the rate recomputed. The narrative check
-- (expectations/narrative.yml) warns where they disagree; this mart shows every sentence.

with documents as (
    select document_id, fiscal_year, department_name
    from {{ ref('int_final_accounts') }}
),

sentences as (
    select * from {{ ref('stg_final_narrative') }}
),

general_budget as (
    select * from {{ ref('stg_final_general_budget_expenditure') }}
),

table_actuals as (
    select
        document_id,
        'function_item' as subject,
        function_code,
        total as amount
    from general_budget
    where line_type = 'item'
    union all
    select
        document_id,
        'general_budget_total' as subject,
        null as function_code,
        total as amount
    from general_budget
    where line_type = 'total'
    union all
    select
        document_id,
        'three_public_total' as subject,
        null as function_code,
        executed as amount
    from {{ ref('stg_final_three_public') }}
    where item = 'total'
)

select
    sentences.document_id,
    documents.fiscal_year,
    documents.department_name,
    sentences.subject,
    sentences.function_code,
    sentences.function_name,
    sentences.baseline,
    sentences.budget,
    sentences.actual,
    sentences.stated_rate,
    {{ percent_change('sentences.actual', 'sentences.budget') }} as computed_rate,
    coalesce(table_actuals.amount, 0) as table_actual,
    sentences.sentence,
    sentences.source_page,
    sentences.source_line
from sentences
inner join documents on documents.document_id = sentences.document_id
left join table_actuals
    on
        table_actuals.document_id = sentences.document_id
        and table_actuals.subject = sentences.subject
        and table_actuals.function_code is not distinct from sentences.function_code
