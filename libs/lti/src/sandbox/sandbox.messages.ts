import { I18n } from '@lib/core';

I18n.register({
  vi: {
    'sandbox.title': 'LMS thử nghiệm',
    'sandbox.intro':
      'Một nền tảng LTI 1.3 thật nằm trong SafeNest, nói chuyện như Moodle 4.5. Mỗi lớp mẫu đã có một bài học: bấm “Mở” bên cạnh một học sinh để học thử, bên cạnh giáo viên để xem tiến độ của lớp, hoặc vào trang lớp để thêm bài học bằng Deep Linking.',
    'sandbox.notRegistered':
      'LMS thử nghiệm chưa đăng ký xong với SafeNest. Hãy tải lại trang sau vài giây.',
    'sandbox.school': 'Trường',
    'sandbox.people': 'Người dùng',
    'sandbox.activities': 'Hoạt động',
    'sandbox.noActivities': 'Chưa có hoạt động. Giáo viên hãy thêm bài học bằng Deep Linking.',
    'sandbox.embedTitle': 'SafeNest trong khung của LMS',
    'sandbox.embedIntro':
      'Công cụ được mở trong một iframe như trong Moodle hay Canvas; nếu trình duyệt chặn cookie bên thứ ba, bước đăng nhập dùng bộ nhớ của LMS (LTI platform storage).',
    'sandbox.embedFrameTitle': 'SafeNest',
    'sandbox.storageFrameTitle': 'Bộ nhớ LTI của LMS thử nghiệm',
    'sandbox.inFrame': 'trong iframe',
    'sandbox.launchAs': 'Mở với tư cách {name}',
    'sandbox.open': 'Mở',
    'sandbox.lesson': 'Bài học',
    'sandbox.addModule': 'Thêm bài học (Deep Linking)',
    'sandbox.gradebook': 'Sổ điểm',
    'sandbox.classPage': 'Trang lớp',
    'sandbox.added': 'Đã thêm {n} hoạt động.',
    'sandbox.role.student': 'Học sinh',
    'sandbox.role.teacher': 'Giáo viên',
    'sandbox.role.admin': 'Quản trị trường',
    'sandbox.student': 'Học sinh',
    'sandbox.received': 'lần nhận',
    'sandbox.back': 'Về LMS thử nghiệm',
  },
  en: {
    'sandbox.title': 'Sandbox LMS',
    'sandbox.intro':
      'A real LTI 1.3 platform inside SafeNest that speaks like Moodle 4.5. Each demo class already has one lesson: press “Open” beside a student to take it, beside the teacher to see the class’s progress, or go to the class page to add lessons by Deep Linking.',
    'sandbox.notRegistered':
      'The sandbox LMS has not finished registering with SafeNest. Reload in a few seconds.',
    'sandbox.school': 'School',
    'sandbox.people': 'People',
    'sandbox.activities': 'Activities',
    'sandbox.noActivities': 'No activity yet. The teacher can add a lesson by Deep Linking.',
    'sandbox.embedTitle': 'SafeNest inside the LMS frame',
    'sandbox.embedIntro':
      'The tool opens in an iframe as in Moodle or Canvas; when the browser blocks third-party cookies, the login uses the LMS storage (LTI platform storage).',
    'sandbox.embedFrameTitle': 'SafeNest',
    'sandbox.storageFrameTitle': 'Sandbox LMS LTI storage',
    'sandbox.inFrame': 'in an iframe',
    'sandbox.launchAs': 'Open as {name}',
    'sandbox.open': 'Open',
    'sandbox.lesson': 'Lesson',
    'sandbox.addModule': 'Add a lesson (Deep Linking)',
    'sandbox.gradebook': 'Gradebook',
    'sandbox.classPage': 'Class page',
    'sandbox.added': '{n} activities added.',
    'sandbox.role.student': 'Student',
    'sandbox.role.teacher': 'Teacher',
    'sandbox.role.admin': 'School admin',
    'sandbox.student': 'Student',
    'sandbox.received': 'received',
    'sandbox.back': 'Back to the sandbox LMS',
  },
});
