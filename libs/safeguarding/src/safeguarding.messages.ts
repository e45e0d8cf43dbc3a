import { I18n } from '@lib/core';

/** Labels shared by the lead's pages, the e-mails and error pages. */
I18n.register({
  vi: {
    'sg.state.new': 'Mới',
    'sg.state.acknowledged': 'Đã tiếp nhận',
    'sg.state.in_progress': 'Đang xử lý',
    'sg.state.referred': 'Đã chuyển tiếp',
    'sg.state.closed': 'Đã đóng',
    'sg.category.content': 'Nội dung có hại',
    'sg.category.contact': 'Bị người khác liên hệ, dụ dỗ',
    'sg.category.conduct': 'Bắt nạt, hành vi gây hại',
    'sg.category.contract': 'Lừa đảo, mua bán, lộ thông tin',
    'sg.category.other': 'Khác / chưa rõ',
    'sg.referral.hotline_111': 'Tổng đài 111',
    'sg.referral.police': 'Công an',
    'sg.referral.health': 'Cơ sở y tế',
    'sg.source.player': 'Học sinh (từ bài học)',
    'sg.source.web': 'Biểu mẫu công khai',
    'sg.source.service': 'Dịch vụ trực tuyến (API)',
    'sg.relation.self': 'Chính em/bản thân',
    'sg.relation.friend': 'Bạn của trẻ',
    'sg.relation.parent': 'Cha mẹ / người giám hộ',
    'sg.relation.relative': 'Người thân',
    'sg.relation.teacher': 'Giáo viên / nhân viên nhà trường',
    'sg.relation.other': 'Người khác',
    'sg.relation.service': 'Dịch vụ trực tuyến',
    'sg.contact.none': 'Ẩn danh, không cần liên hệ lại',
    'sg.contact.email': 'Qua email',
    'sg.contact.phone': 'Qua điện thoại',
    'sg.contact.at_school': 'Gặp trực tiếp ở trường',
    'sg.audit.created': 'Báo cáo được gửi',
    'sg.audit.read': 'Xem nội dung báo cáo',
    'sg.audit.notes_read': 'Xem ghi chú',
    'sg.audit.audit_read': 'Xem nhật ký truy cập',
    'sg.audit.state_changed': 'Đổi trạng thái',
    'sg.audit.note_added': 'Thêm ghi chú',
    'sg.audit.lead_notified': 'Đã báo cho người phụ trách',
    'sg.audit.escalated': 'Chuyển lên cấp trên',
    'sg.audit.outcome_set': 'Ghi phản hồi cho người báo cáo',
    'sg.audit.reporter_notified': 'Đã gửi phản hồi cho người báo cáo',
    'sg.audit.status_checked': 'Người báo cáo tra cứu tình trạng',
    'sg.audit.erased': 'Đã xoá nội dung',
    'sg.audit.duplicate_submission': 'Gửi lại lần nữa (trùng)',
    'sg.audit.access_refused': 'Bị từ chối truy cập',
    'sg.audit.handed_off': 'Chuyển giao lên cấp trên',
    'sg.audit.admin_alerted': 'Báo cho quản trị trường: chưa có người phụ trách',
    'sg.mail.unassigned.subject':
      '[SafeNest] Có báo cáo lo ngại đang chờ: trường chưa có người phụ trách',
    'sg.mail.unassigned.body':
      'Có một báo cáo lo ngại về an toàn của học sinh gửi tới {school}, nhưng ở trường và các cấp trên chưa ai được giao phụ trách bảo vệ học sinh, nên chưa ai đọc được báo cáo.',
    'sg.mail.unassigned.urgent':
      'Người báo cáo cho biết trẻ đang gặp nguy hiểm ngay lúc này. Hãy chỉ định người phụ trách ngay.',
    'sg.mail.unassigned.act':
      'Hãy chỉ định ngay một người phụ trách bảo vệ học sinh cho trường (quản trị viên SafeNest làm việc này bằng lệnh role:grant với vai trò safeguarding_lead). Người đó sẽ thấy báo cáo ở đầu hàng chờ. Bạn không thể đọc báo cáo.',
    'sg.mail.lead.subject': '[SafeNest] Có báo cáo lo ngại mới',
    'sg.mail.lead.subjectUrgent': '[SafeNest] KHẨN: báo cáo lo ngại mới',
    'sg.mail.lead.body':
      'Có một báo cáo lo ngại mới gửi tới {school}. Vui lòng đăng nhập để xem và tiếp nhận trước {due} (giờ Việt Nam).',
    'sg.mail.lead.urgent':
      'Người báo cáo cho biết trẻ đang gặp nguy hiểm ngay lúc này. Hãy mở báo cáo ngay.',
    'sg.mail.lead.escalated':
      'Báo cáo này được chuyển lên cấp của bạn vì chưa được tiếp nhận đúng hạn ở cấp dưới.',
    'sg.mail.lead.handedOff':
      'Người phụ trách ở cấp dưới đã chuyển giao báo cáo này lên cấp của bạn để cùng xử lý.',
    'sg.mail.lead.open': 'Mở báo cáo',
    'sg.mail.lead.noContent':
      'Vì lý do bảo mật, thư này không chứa nội dung báo cáo. Đừng chuyển tiếp thư này.',
    'sg.mail.reporter.subject': 'SafeNest: phản hồi về báo cáo bạn đã gửi',
    'sg.mail.reporter.intro':
      'Cảm ơn bạn đã lên tiếng. Người phụ trách bảo vệ học sinh của nhà trường gửi tới bạn lời nhắn sau:',
    'sg.mail.reporter.help':
      'Nếu trẻ đang gặp nguy hiểm, hãy gọi Công an 113 ngay. Tổng đài quốc gia bảo vệ trẻ em 111 miễn phí, hoạt động 24/7.',
    'errors.SG_REPORT_NOT_FOUND': 'Không tìm thấy báo cáo này.',
    'errors.SG_NOT_A_LEAD':
      'Chỉ người phụ trách bảo vệ học sinh của trường mới xem được các báo cáo lo ngại.',
    'errors.SG_INVALID_REPORT': 'Báo cáo chưa hợp lệ. Vui lòng kiểm tra lại các ô đã đánh dấu.',
    'errors.SG_SCHOOL_NOT_FOUND': 'Không tìm thấy trường này.',
    'errors.SG_INVALID_TRANSITION':
      'Không thể chuyển báo cáo sang trạng thái đó (có thể ai đó vừa cập nhật). Hãy tải lại trang.',
    'errors.SG_UPLOAD_REFUSED':
      'SafeNest không nhận tệp hay hình ảnh. Đừng gửi, lưu hay chia sẻ hình ảnh nhạy cảm của trẻ em, kể cả để báo cáo: hãy chỉ dán đường link.',
    'errors.SG_UNSUPPORTED_MEDIA': 'Định dạng dữ liệu không được hỗ trợ.',
    'errors.SG_API_KEY_INVALID': 'Khoá API không hợp lệ hoặc đã bị thu hồi.',
    'errors.SG_API_SCOPE': 'Khoá API này không được gửi báo cáo cho trường đó.',
    'errors.SG_IDEMPOTENCY_CONFLICT': 'Mã báo cáo này đã được dùng cho một báo cáo khác.',
    'errors.SG_API_RATE_LIMITED': 'Gửi quá nhiều báo cáo trong thời gian ngắn. Hãy thử lại sau.',
    'errors.SG_ERASED': 'Nội dung báo cáo này đã được xoá theo thời hạn lưu trữ.',
    'errors.SG_NO_HIGHER_LEAD':
      'Cấp trên chưa có ai được giao phụ trách bảo vệ học sinh, nên chưa thể chuyển giao báo cáo. Hãy gọi Tổng đài 111 hoặc Công an 113 nếu cần.',
  },
  en: {
    'sg.state.new': 'New',
    'sg.state.acknowledged': 'Acknowledged',
    'sg.state.in_progress': 'In progress',
    'sg.state.referred': 'Referred',
    'sg.state.closed': 'Closed',
    'sg.category.content': 'Harmful content',
    'sg.category.contact': 'Unwanted contact, grooming',
    'sg.category.conduct': 'Bullying, harmful behaviour',
    'sg.category.contract': 'Scam, purchases, data misuse',
    'sg.category.other': 'Other / not sure',
    'sg.referral.hotline_111': 'Hotline 111',
    'sg.referral.police': 'Police',
    'sg.referral.health': 'Health service',
    'sg.source.player': 'Pupil (from a lesson)',
    'sg.source.web': 'Public form',
    'sg.source.service': 'Online service (API)',
    'sg.relation.self': 'The child themself',
    'sg.relation.friend': "A friend of the child's",
    'sg.relation.parent': 'Parent / guardian',
    'sg.relation.relative': 'Relative',
    'sg.relation.teacher': 'Teacher / school staff',
    'sg.relation.other': 'Someone else',
    'sg.relation.service': 'Online service',
    'sg.contact.none': 'Anonymous, no contact',
    'sg.contact.email': 'By e-mail',
    'sg.contact.phone': 'By phone',
    'sg.contact.at_school': 'In person at school',
    'sg.audit.created': 'Report submitted',
    'sg.audit.read': 'Report content viewed',
    'sg.audit.notes_read': 'Notes viewed',
    'sg.audit.audit_read': 'Audit trail viewed',
    'sg.audit.state_changed': 'State changed',
    'sg.audit.note_added': 'Note added',
    'sg.audit.lead_notified': 'Lead notified',
    'sg.audit.escalated': 'Escalated',
    'sg.audit.outcome_set': 'Outcome for the reporter recorded',
    'sg.audit.reporter_notified': 'Outcome sent to the reporter',
    'sg.audit.status_checked': 'Reporter checked the status',
    'sg.audit.erased': 'Content erased',
    'sg.audit.duplicate_submission': 'Submitted again (duplicate)',
    'sg.audit.access_refused': 'Access refused',
    'sg.audit.handed_off': 'Handed over to the next level',
    'sg.audit.admin_alerted': 'School admins told: no safeguarding lead named',
    'sg.mail.unassigned.subject':
      '[SafeNest] A concern report is waiting: no safeguarding lead named',
    'sg.mail.unassigned.body':
      'A concern report about the safety of a pupil arrived for {school}, but nobody at the school or above it is named safeguarding lead, so nobody can read it yet.',
    'sg.mail.unassigned.urgent':
      'The reporter says the child is in danger right now. Name a lead at once.',
    'sg.mail.unassigned.act':
      'Name a safeguarding lead for the school now (a SafeNest operator does it with role:grant and the role safeguarding_lead). They will find the report at the top of their queue. You cannot read the report yourself.',
    'sg.mail.lead.subject': '[SafeNest] New concern report',
    'sg.mail.lead.subjectUrgent': '[SafeNest] URGENT: new concern report',
    'sg.mail.lead.body':
      'A new concern report arrived for {school}. Please sign in to read and acknowledge it before {due} (Vietnam time).',
    'sg.mail.lead.urgent': 'The reporter says the child is in danger right now. Open it at once.',
    'sg.mail.lead.escalated':
      'This report has come up to your level because it was not acknowledged in time below.',
    'sg.mail.lead.handedOff':
      'The safeguarding lead below has handed this report over to your level to handle it together.',
    'sg.mail.lead.open': 'Open the report',
    'sg.mail.lead.noContent':
      'For safety this e-mail does not contain the report. Do not forward it.',
    'sg.mail.reporter.subject': 'SafeNest: an answer about the report you sent',
    'sg.mail.reporter.intro':
      "Thank you for speaking up. The school's safeguarding lead sends you this message:",
    'sg.mail.reporter.help':
      'If a child is in danger, call the police on 113 now. The national child helpline 111 is free and open 24/7.',
    'errors.SG_REPORT_NOT_FOUND': 'This report was not found.',
    'errors.SG_NOT_A_LEAD': "Only the school's safeguarding leads can see concern reports.",
    'errors.SG_INVALID_REPORT': 'The report is not complete yet. Please check the marked fields.',
    'errors.SG_SCHOOL_NOT_FOUND': 'This school was not found.',
    'errors.SG_INVALID_TRANSITION':
      'The report cannot move to that state (someone may have just updated it). Reload the page.',
    'errors.SG_UPLOAD_REFUSED':
      'SafeNest does not accept files or pictures. Never send, save or share sexual images of children, not even to report them: paste the link only.',
    'errors.SG_UNSUPPORTED_MEDIA': 'This data format is not supported.',
    'errors.SG_API_KEY_INVALID': 'The API key is not valid or has been revoked.',
    'errors.SG_API_SCOPE': 'This API key may not file reports for that school.',
    'errors.SG_IDEMPOTENCY_CONFLICT': 'This report id was already used for a different report.',
    'errors.SG_API_RATE_LIMITED': 'Too many reports in a short time. Try again later.',
    'errors.SG_ERASED': 'The content of this report was erased at the end of its retention period.',
    'errors.SG_NO_HIGHER_LEAD':
      'Nobody above this level is named safeguarding lead, so the report cannot be handed over yet. Call 111 or the police on 113 if needed.',
  },
});
