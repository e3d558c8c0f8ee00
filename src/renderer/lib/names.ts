// The rule lives in shared/ so the main process (the PO PDF) names items the same way as the screen.
export { localizedName } from '../../shared/names';
