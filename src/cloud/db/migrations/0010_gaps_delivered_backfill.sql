-- Online orders delivered before shop_order_progress existed have no delivered time for the
-- completion sweep to read: it is taken from their steps already stored (the first delivery, the
-- first receipt and whether that receipt was the sweep's), so they complete by themselves too.
INSERT INTO "shop_order_progress" ("order_id", "org_id", "store_id", "delivered_at", "received_at", "received_automatically")
SELECT s."order_id"::uuid, s."org_id", s."store_id", s."delivered_at", s."received_at", COALESCE(s."first_received_status" = 'automatic', false)
FROM (
  SELECT e."d"->>'order_id' AS "order_id", e."org_id", e."store_id",
    MIN(CASE WHEN e."d"->>'kind' = 'delivered' THEN (e."d"->>'at')::bigint END) AS "delivered_at",
    MIN(CASE WHEN e."d"->>'kind' = 'received' THEN (e."d"->>'at')::bigint END) AS "received_at",
    (array_agg(e."d"->>'status' ORDER BY (e."d"->>'at')::bigint) FILTER (WHERE e."d"->>'kind' = 'received'))[1] AS "first_received_status"
  FROM (
    SELECT r."org_id", r."store_id", r."body"::jsonb->'d' AS "d" FROM "records" r WHERE r."entity" = 'online_order_event'
  ) e
  WHERE e."d"->>'kind' IN ('delivered', 'received')
    AND e."d"->>'order_id' ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
    AND jsonb_typeof(e."d"->'at') = 'number' AND e."d"->>'at' ~ '^[0-9]{1,15}$'
  GROUP BY 1, 2, 3
) s
ON CONFLICT ("order_id") DO UPDATE SET
  "delivered_at" = COALESCE(LEAST("shop_order_progress"."delivered_at", excluded."delivered_at"), "shop_order_progress"."delivered_at", excluded."delivered_at"),
  "received_at" = COALESCE("shop_order_progress"."received_at", excluded."received_at"),
  "received_automatically" = CASE WHEN "shop_order_progress"."received_at" IS NULL THEN excluded."received_automatically"
                                  ELSE "shop_order_progress"."received_automatically" END
WHERE "shop_order_progress"."org_id" = excluded."org_id";
