{#- change / prior × 100, rounded half away from zero to 2 decimals, as DECIMAL.
    DuckDB divides DECIMALs in DOUBLE, so the division is done on whole fen (HUGEINT):
    exact, then rounded once. NULL when there is no prior or it is zero. Both sides are widened
    to DECIMAL(38,6) first: DuckDB keeps DECIMAL(18,6) × integer in DECIMAL(18,6), which
    overflows from 10^6 万元 on. -#}
{% macro percent_change(change, prior) -%}
case
    when ({{ prior }}) is null or ({{ prior }}) = 0 then null
    else (
        sign(({{ change }})) * sign(({{ prior }}))
        * (
            (2 * abs((({{ change }})::decimal(38, 6) * 1000000)::hugeint) * 10000
             + abs((({{ prior }})::decimal(38, 6) * 1000000)::hugeint))
            // (2 * abs((({{ prior }})::decimal(38, 6) * 1000000)::hugeint))
        )
    ) * 0.01::decimal(3, 2)
end
{%- endmacro %}
