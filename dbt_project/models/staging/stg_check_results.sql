with source as (
    select * from {{ source('raw', 'check_results') }}
),

renamed as (
    select
        document_id,
        source_sha256,
        check_name,
        identity,
        table_no,
        source_line,
        success,
        expected,
        observed,
        difference,
        allowance,
        message,
        rejects,
        checked_at
    from source
)

select * from renamed
