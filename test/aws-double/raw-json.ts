/**
 * A handler result that is already JSON text: the server sends it as is. Lets hot paths cache the
 * serialised form of immutable resources (DescribeTasks on 30k-task fleets).
 */
export class RawJson {
  constructor(readonly text: string) {}
}
