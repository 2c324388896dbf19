-- The repository's crosswalk (dbt seed) and the user's own file, validated before dbt runs.

with seeded as (
    select
        classification, from_year, from_code, to_code, method, share, note,
        'dbt seed classification_crosswalk' as source
    from {{ ref('classification_crosswalk') }}
),

from_user as (
    select
        classification, from_year, from_code, to_code, method, share, note,
        source_file || ':' || source_line as source
    from {{ source('config', 'user_classification_crosswalk') }}
),

combined as (
    select * from seeded
    union all
    select * from from_user
),

final as (
    select
        classification,
        from_year,
        from_code,
        to_code,
        method,
        -- A code mapped to one code moves whole; a split gives each target its share.
        coalesce(nullif(share, '')::decimal(9, 6), 1) as share,
        note,
        source
    from combined
)

select * from final
