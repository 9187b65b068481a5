import { ArrayMaxSize, ArrayMinSize, IsArray, IsISO8601, IsOptional, IsString, Matches, ValidateIf } from 'class-validator';
import { ValidateNestedType } from '../nested-type';
import { ID_PATTERN, OrderLineSpec, TopicPosition } from '../values';

export const OrderingCommandTypes = { placeOrder: 'PlaceOrder', cancelOrder: 'CancelOrder' } as const;

/** How the terminal asked for a coupon: the best one, a named one, or none. */
export type CouponChoice = { mode: 'BEST' } | { mode: 'NONE' } | { mode: 'SPECIFIC'; couponId: string };

/** Keyed by userId: one serial writer spends a user's coupons. */
export class PlaceOrder {
  @IsString() @Matches(ID_PATTERN) orderId!: string;
  @IsString() @Matches(ID_PATTERN) userId!: string;
  @IsString() @Matches(ID_PATTERN) storeId!: string;
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(200) @ValidateNestedType(() => OrderLineSpec, { each: true }) items!: OrderLineSpec[];
  /** undefined: choose the best coupon; null: apply none; a string: that coupon or refuse. */
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsString() @Matches(ID_PATTERN) couponId?: string | null;
  @IsISO8601({ strict: true }) requestedAt!: string;
  /**
   * Read-your-writes: wallet events the terminal has seen acknowledged (e.g. a claim's 201). Ordering waits, bounded,
   * until it has folded them before deciding.
   */
  @IsOptional() @IsArray() @ValidateNestedType(() => TopicPosition, { each: true }) mustHaveSeen?: TopicPosition[];
}

export class CancelOrder {
  @IsString() @Matches(ID_PATTERN) orderId!: string;
  @IsString() @Matches(ID_PATTERN) userId!: string;
  @IsISO8601({ strict: true }) requestedAt!: string;
}
