import { I18n } from '@lib/core';

I18n.register({
  vi: {
    'landing.title': 'An toàn trên mạng cho mọi học sinh',
    'landing.lead':
      'SafeNest đưa các bài học an toàn trên mạng có chấm điểm vào ngay LMS của nhà trường (Moodle, Canvas, Brightspace…), theo dõi việc mọi trường và cơ sở bảo vệ trẻ em triển khai giáo dục định kỳ, và giúp nhà trường trò chuyện với phụ huynh.',
    'landing.who': 'Dành cho ai',
    'landing.who.students':
      'Học sinh học bài theo lứa tuổi, làm bài kiểm tra và luôn thấy nút “Em cần giúp đỡ”.',
    'landing.who.teachers':
      'Giáo viên chọn bài bằng Deep Linking trong LMS; điểm tự về sổ điểm, có báo cáo lớp.',
    'landing.who.admins': 'Quản trị trường theo dõi độ bao phủ và nộp báo cáo định kỳ.',
    'landing.who.officials':
      'Cán bộ xã, tỉnh, Bộ xem số liệu tổng hợp của địa bàn, đã ẩn các ô nhỏ để bảo vệ trẻ em.',
    'landing.who.parents': 'Phụ huynh nhận thông báo, tiến độ học và có thể báo cáo lo ngại.',
    'landing.try': 'Dùng thử',
    'landing.try.sandbox':
      'Mở LMS thử nghiệm (sandbox) để vào bài học như học sinh, giáo viên hoặc quản trị trường.',
    'landing.try.signin': 'Đăng nhập tài khoản cán bộ',
    'landing.try.account': 'Vào tài khoản của bạn',
    'landing.demo': 'Tài khoản demo',
    'landing.demo.password': 'Mật khẩu chung',
    'landing.privacy':
      'Học sinh được định danh bằng mã ẩn danh do LMS cấp; SafeNest không lưu email học sinh. Liên hệ phụ huynh và báo cáo lo ngại được mã hoá. Phía trên cấp trường chỉ có số liệu tổng hợp.',
    'landing.help':
      'Nếu em đang gặp nguy hiểm hoặc cần giúp đỡ: gọi Tổng đài quốc gia bảo vệ trẻ em 111 (miễn phí, 24/7) hoặc Công an 113 khi khẩn cấp.',
    'landing.tech': 'Dành cho kỹ thuật',
    'landing.sandbox.title': 'LMS thử nghiệm',
    'landing.sandbox.pending':
      'LMS thử nghiệm (một nền tảng LTI 1.3 thật nằm trong SafeNest) đang được xây dựng. Khi hoàn thành, trang này cho phép vào bài học với vai trò học sinh, giáo viên hoặc quản trị trường của các trường demo.',
    'landing.sandbox.disabled': 'LMS thử nghiệm bị tắt trên máy chủ này.',
  },
  en: {
    'landing.title': 'Online safety for every pupil',
    'landing.lead':
      "SafeNest puts graded online-safety lessons inside the school's own LMS (Moodle, Canvas, Brightspace…), tracks that every school and child-protection facility teaches them each period, and gives schools a channel to talk with parents.",
    'landing.who': 'Who it is for',
    'landing.who.students':
      'Students take lessons for their age, a graded check, and always see an "I need help" button.',
    'landing.who.teachers':
      'Teachers pick lessons by Deep Linking in the LMS; scores go to the gradebook, with a class report.',
    'landing.who.admins': 'School admins follow coverage and submit the period report.',
    'landing.who.officials':
      'Commune, province and ministry officials see aggregates of their area, with small cells suppressed to protect children.',
    'landing.who.parents':
      "Parents get announcements and their child's progress, and can report a concern.",
    'landing.try': 'Try it',
    'landing.try.sandbox':
      'Open the sandbox LMS to launch lessons as a student, teacher or school admin.',
    'landing.try.signin': 'Sign in as an official',
    'landing.try.account': 'Go to your account',
    'landing.demo': 'Demo accounts',
    'landing.demo.password': 'Shared password',
    'landing.privacy':
      'Students are known only by a pseudonymous id from their LMS; SafeNest stores no student e-mail. Parent contacts and concern reports are encrypted. Above school level only aggregates are shown.',
    'landing.help':
      'If you are in danger or need help: call the national child helpline 111 (free, 24/7), or the police on 113 in an emergency.',
    'landing.tech': 'For technical staff',
    'landing.sandbox.title': 'Sandbox LMS',
    'landing.sandbox.pending':
      'The sandbox LMS (a real LTI 1.3 platform inside SafeNest) is being built. When it is ready, this page lets you launch lessons as a student, teacher or school admin of the demo schools.',
    'landing.sandbox.disabled': 'The sandbox LMS is turned off on this server.',
  },
});
