-- A failed tender is repeated as a new package of the same plan item, linked to the one it
-- repeats: one package per plan item becomes one first package per plan item.
ALTER TABLE packages DROP CONSTRAINT packages_plan_item_id_key;
ALTER TABLE packages ADD COLUMN repeat_of UUID REFERENCES packages(id);
CREATE UNIQUE INDEX packages_first_of_item ON packages (plan_item_id) WHERE repeat_of IS NULL;
CREATE UNIQUE INDEX packages_one_repeat ON packages (repeat_of) WHERE repeat_of IS NOT NULL;
