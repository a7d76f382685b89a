import { AuditContract } from './contracts/audit';
import { BatchContract } from './contracts/batch';
import { CardContract } from './contracts/card';
import { ClaimContract } from './contracts/claim';
import { HistoryContract } from './contracts/history';
import { MedicalRecordContract } from './contracts/medicalRecord';
import { ReferralContract } from './contracts/referral';
import { VisitContract } from './contracts/visit';

export {
  AuditContract, BatchContract, CardContract, ClaimContract, HistoryContract, MedicalRecordContract, ReferralContract, VisitContract,
};

/** Loaded by fabric-chaincode-node (package.json "main"); each class is addressed as <Contract>:<Fn>. */
export const contracts: unknown[] = [
  CardContract, VisitContract, ReferralContract, MedicalRecordContract, ClaimContract, AuditContract, HistoryContract, BatchContract,
];
